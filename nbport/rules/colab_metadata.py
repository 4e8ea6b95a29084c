"""What a notebook's metadata asks Colab for: the accelerator a new runtime starts with.

Colab saves it as `"accelerator": "GPU"` (or `"TPU"`) with the GPU's or TPU's type in
`"colab": {"gpuType": "T4"}`; newer files may hold only the type.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import Enum
from typing import Any

#: The GPU Colab's free tier gives, written to `metadata.colab.gpuType` with a GPU.
FREE_GPU_TYPE = "T4"
#: `metadata.colab.gpuType` values that name a TPU (Colab keeps the TPU type in the same key:
#: `V28` is a TPU v2-8, `V5E1` a TPU v5e-1); every other value names a GPU (`T4`, `L4`, `A100`).
_TPU_TYPE = re.compile(r"V\d+E\d+|V28", re.IGNORECASE)


class Accelerator(Enum):
    """The accelerators Colab starts a runtime with, as `metadata.accelerator` names them."""

    GPU = "GPU"
    TPU = "TPU"


def asked_accelerator(metadata: Mapping[str, Any]) -> Accelerator | None:
    """The accelerator a notebook's metadata asks Colab for: `accelerator`, else the GPU or TPU
    type in `colab.gpuType`; None for none (or `"CPU"`, `"None"`)."""
    value = metadata.get("accelerator")
    if isinstance(value, str) and value.strip().upper() in ("GPU", "TPU"):
        return Accelerator(value.strip().upper())
    colab = metadata.get("colab")
    gpu_type = colab.get("gpuType") if isinstance(colab, dict) else None
    if isinstance(gpu_type, str) and gpu_type.strip():
        return Accelerator.TPU if _TPU_TYPE.fullmatch(gpu_type.strip()) else Accelerator.GPU
    return None
