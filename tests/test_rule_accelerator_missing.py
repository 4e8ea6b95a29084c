"""NBP301 accelerator-missing: what the catalog examples cannot show."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import CORPUS, require_shared

from nbport.api import fix_document, rules_for
from nbport.documents import document_from_cells
from nbport.documents.base import MetadataDocument
from nbport.documents.notebook import NotebookDocument
from nbport.engine import check_document
from nbport.finding import FixSafety, MetadataEdit
from nbport.rules.colab_metadata import Accelerator, asked_accelerator

RULES = rules_for(["NBP301"])


def findings(cells: list[str], metadata: dict[str, Any] | None = None) -> list[tuple[str, str]]:
    document = document_from_cells(cells, "notebook", metadata=metadata)
    result = check_document(document, RULES)
    assert result.errors == ()
    return [(finding.start.label(), finding.message) for finding in result.findings]


def test_message_names_the_use_and_the_remedy() -> None:
    [(where, message)] = findings(["import torch\nmodel.cuda()"])
    assert where == "cell 1:2:1"
    assert message == (
        "uses a GPU (`.cuda()`) but the notebook's metadata does not ask Colab for one, so every "
        "new runtime starts on CPU; pick a GPU (T4) under Runtime > Change runtime type and save "
        "the notebook, or let `nbport fix` set it"
    )


def test_torch_imported_as_another_name_in_a_cell_of_its_own() -> None:
    """The name resolver knows `t` from a cell the rule does not look at (no GPU word in it);
    the rule's own alias tracking, before the kernel, did not."""
    [(where, message)] = findings(["import torch as t", "t.cuda.empty_cache()"])
    assert where == "cell 2:1:1" and "(`t.cuda`)" in message


def test_one_finding_at_the_first_use_in_the_notebook() -> None:
    cells = ["x = 1", "print(tf.test.gpu_device_name())", "!nvidia-smi", "y = t.cuda()"]
    assert [where for where, _ in findings(cells)] == ["cell 2:1:7"]


@pytest.mark.parametrize(
    "code",
    [
        "import torch as t\nt.cuda.empty_cache()",
        "torch.backends.cuda.matmul.allow_tf32 = True",
        "x = x.to(f'cuda:{rank}')",
        "with tf.device('/gpu:%d' % i):\n    pass",
        "devices = ['/job:localhost/replica:0/task:0/device:GPU:0']",
        "gpus = tf.config.experimental.list_physical_devices(device_type='GPU')",
        "from tensorflow.config.experimental import set_memory_growth",
        "if tf.test.gpu_device_name() != '/device:GPU:0':\n    raise SystemError('no GPU')",
        "!cd /content && nvidia-smi -L",
        "info = !nvidia-smi",
        "!ln -sf /opt/bin/nvidia-smi /usr/bin/nvidia-smi",
        "trainer = pl.Trainer(gpus=1)",
        "trainer = pl.Trainer(accelerator='gpu', devices=1)",
        "model = xgb.XGBClassifier(tree_method='gpu_hist')",
        "model = CatBoostClassifier(task_type='GPU')",
        "import cupy as cp",
        "import GPUtil",
        "print(jax.devices('gpu'))",
    ],
)
def test_gpu_uses(code: str) -> None:
    [(_where, message)] = findings([code])
    assert message.startswith("uses a GPU")


@pytest.mark.parametrize(
    "code",
    [
        "resolver = TPUClusterResolver()",
        "address = os.environ['COLAB_TPU_ADDR']",
        "config = tf.contrib.tpu.RunConfig()",
        "tf.tpu.experimental.initialize_tpu_system(resolver)",
        "estimator = tf.compat.v1.estimator.tpu.TPUEstimator(model_fn)",
        "import torch_xla.core.xla_model as xm",
        "from jax.tools import colab_tpu\ncolab_tpu.setup_tpu()",
        "print(jax.devices(backend='tpu'))",
    ],
)
def test_tpu_uses(code: str) -> None:
    [(_where, message)] = findings([code])
    assert message.startswith("uses a TPU")


@pytest.mark.parametrize(
    "code",
    [
        "torch.cuda.manual_seed(1)",
        "torch.cuda.manual_seed_all(1)",
        "use_cuda = False  # no GPU here",
        "tf.test.is_built_with_cuda()",
        "x = 'cuda is fast'",
        "os.environ['COLAB_GPU']",
        "Trainer(gpus=0)",
        "pipeline('ner', device=-1)",
        "hparams.tpu = None",
        "!pip install faiss-gpu",
        "%%bash\nnvidia-smi",
        "plugin_device = 'GPU'",
        "tf.config.set_visible_devices([], 'GPU')",
        "config = tf.compat.v1.ConfigProto()\nconfig.gpu_options.allow_growth = True",
    ],
)
def test_not_uses(code: str) -> None:
    assert findings([code]) == []


@pytest.mark.parametrize(
    ("metadata", "asked"),
    [
        ({}, None),
        ({"accelerator": "CPU"}, None),
        ({"accelerator": "None"}, None),
        ({"accelerator": "gpu"}, Accelerator.GPU),
        ({"accelerator": "TPU"}, Accelerator.TPU),
        ({"colab": {"gpuType": "T4"}}, Accelerator.GPU),
        ({"colab": {"gpuType": "V100"}}, Accelerator.GPU),
        ({"colab": {"gpuType": "V28"}}, Accelerator.TPU),
        ({"colab": {"gpuType": "V5E1"}}, Accelerator.TPU),
        ({"colab": "odd"}, None),
        ({"kaggle": {"accelerator": "gpu"}}, None),
    ],
)
def test_what_the_metadata_asks_for(metadata: dict[str, Any], asked: Accelerator | None) -> None:
    assert asked_accelerator(metadata) is asked


def test_tpu_code_with_a_gpu_fallback_is_a_tpu_notebook() -> None:
    cells = [
        "try:\n    tpu = tf.distribute.cluster_resolver.TPUClusterResolver()\n"
        "except ValueError:\n    tpu = None",
        "print(tf.config.list_physical_devices('GPU'))",
    ]
    [(where, message)] = findings(cells)
    assert where == "cell 1:2:11"
    assert message.startswith("uses a TPU (`TPUClusterResolver`)")
    assert findings(cells, {"accelerator": "GPU"}) == []
    assert findings(cells, {"accelerator": "TPU"}) == []


def fixed(cells: list[str], metadata: dict[str, Any] | None = None, **options: bool):
    document = document_from_cells(cells, "notebook", metadata=metadata)
    outcome = fix_document(document, RULES, **options)
    assert isinstance(outcome.document, MetadataDocument)
    return outcome


def test_gpu_code_on_a_tpu_runtime_is_fixed_only_with_unsafe_fixes() -> None:
    [(_where, message)] = findings(["x.cuda()"], {"accelerator": "TPU"})
    assert "metadata asks Colab for a TPU" in message
    assert fixed(["x.cuda()"], {"accelerator": "TPU"}).fixed == ()
    outcome = fixed(["x.cuda()"], {"accelerator": "TPU"}, unsafe=True)
    assert outcome.document.metadata["accelerator"] == "GPU"


def test_a_colab_value_that_is_not_an_object_gets_only_the_accelerator() -> None:
    document = document_from_cells(["x.cuda()"], "notebook", metadata={"colab": "odd"})
    [finding] = check_document(document, RULES).findings
    assert finding.fix is not None
    assert finding.fix.safety is FixSafety.SAFE
    assert finding.fix.metadata == (MetadataEdit(("accelerator",), "GPU"),)
    assert fixed(["x.cuda()"], {"colab": "odd"}).document.metadata["accelerator"] == "GPU"


def test_the_tpu_fix_sets_no_gpu_type() -> None:
    outcome = fixed(["r = TPUClusterResolver()"], {"colab": {"provenance": []}})
    assert outcome.document.metadata["accelerator"] == "TPU"
    assert outcome.document.metadata["colab"] == {"provenance": []}


@pytest.mark.parametrize("layout", ["script", "percent"])
def test_scripts_have_no_metadata_to_ask_with(layout: str) -> None:
    document = document_from_cells(["import torch\nx = torch.zeros(1).cuda()"], layout)
    assert check_document(document, RULES).findings == ()


# Cheap words that most files with a GPU or TPU use hold (the test needs many, not all).
_LIKELY = ("cuda", "TPU", "gpu_device_name", "is_gpu_available", "GPU')", 'GPU\\")', "nvidia-smi")


def corpus_findings() -> list[Path]:
    paths = []
    for path in sorted(require_shared(CORPUS).rglob("*.ipynb")):
        text = path.read_text(encoding="utf-8", errors="replace")
        if any(word in text for word in _LIKELY):
            paths.append(path)
    return paths


def test_fixing_the_corpus_leaves_no_finding_and_only_metadata_changes() -> None:
    fixed_files = 0
    for path in corpus_findings():
        try:
            document = NotebookDocument.load(path)
        except Exception:
            continue
        outcome = fix_document(document, RULES)
        if not outcome.fixed:
            continue
        fixed_files += 1
        assert outcome.result.findings == (), path
        after = outcome.document
        assert isinstance(after, NotebookDocument)
        assert [unit.text for unit in after.units()] == [unit.text for unit in document.units()]
        before_data = json.loads(document.raw.decode("utf-8-sig"))
        after_data = json.loads(after.dump().decode("utf-8-sig"))
        assert {key: value for key, value in after_data.items() if key != "metadata"} == {
            key: value for key, value in before_data.items() if key != "metadata"
        }
        assert asked_accelerator(after_data["metadata"]) is not None
    assert fixed_files > 60
