"""The tables a rule reads, kept as data beside its module: `accelerator_missing.toml` beside
`accelerator_missing.py`. TOML, so that each entry can say why it is there."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


def rule_table(module_file: str) -> dict[str, Any]:
    """The table beside the rule module whose `__file__` is `module_file`, by the same name."""
    return tomllib.loads(Path(module_file).with_suffix(".toml").read_text(encoding="utf-8"))
