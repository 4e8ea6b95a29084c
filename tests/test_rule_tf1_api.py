"""NBP202 tf1-api beyond the catalog examples: seed 003 whole, aliases, the eager-execution insertion."""

from __future__ import annotations

import ast
import json
import re

import pytest
from conftest import REPOSITORY, SEEDS, require_shared

from nbport.api import fix_document
from nbport.catalog import load_catalog
from nbport.documents import document_from_cells
from nbport.engine import check_document, python3_tree
from nbport.escapes import scan, strip_leading_indent
from nbport.finding import FixSafety
from nbport.rules.tf_api import TABLE_PATH, symbol_table
from nbport.settings import RuleSettings

ENTRY = load_catalog()["NBP202"]

# Seed 003's "GPU vs TPU" snippet, as the post gives it.
SEED_003_SNIPPET = """\
import tensorflow as tf
import timeit

config = tf.ConfigProto()
config.gpu_options.allow_growth = True

with tf.device('/cpu:0'):
    random_image_cpu  = tf.random_normal((100, 100, 100, 3))
    net_cpu = tf.layers.conv2d(random_image_cpu, 32, 7)
    net_cpu = tf.reduce_sum(net_cpu)

with tf.device('/gpu:0'):
    random_image_gpu = tf.random_normal((100, 100, 100, 3))
    net_gpu = tf.layers.conv2d(random_image_gpu, 32, 7)
    net_gpu = tf.reduce_sum(net_gpu)

sess = tf.Session(config=config)

# Test execution once to detect errors early.
try:
  sess.run(tf.global_variables_initializer())
except tf.errors.InvalidArgumentError:
  print(
      '\\n\\nThis error most likely means that this notebook is not '
      'configured to use a GPU.  Change this in Notebook Settings via the '
      'command palette (cmd/ctrl-shift-P) or the Edit menu.\\n\\n')
  raise

def cpu():
  sess.run(net_cpu)
\x20\x20
def gpu():
  sess.run(net_gpu)
\x20\x20
# Runs the op several times.
print('Time (s) to convolve 32x7x7x3 filter over random 100x100x100x3 images '
      '(batch x height x width x channel). Sum of ten runs.')
print('CPU (s):')
cpu_time = timeit.timeit('cpu()', number=10, setup="from __main__ import cpu")
print(cpu_time)
print('GPU (s):')
gpu_time = timeit.timeit('gpu()', number=10, setup="from __main__ import gpu")
print(gpu_time)
print('GPU speedup over CPU: {}x'.format(int(cpu_time/gpu_time)))

sess.close()
"""


def check(*cells: str, layout: str = "notebook"):
    return check_document(document_from_cells(cells, layout), [ENTRY])


def labels(*cells: str, layout: str = "notebook") -> list[str]:
    return [finding.start.label() for finding in check(*cells, layout=layout).findings]


def fixed(*cells: str, unsafe: bool = True, layout: str = "notebook") -> list[str]:
    outcome = fix_document(document_from_cells(cells, layout), [ENTRY], unsafe=unsafe)
    assert outcome.refused is None
    return [unit.text for unit in outcome.document.units()]


def test_the_snippet_is_seed_003s_own_code() -> None:
    seed = next(require_shared(SEEDS).glob("003_*.txt"), None)
    assert seed is not None, f"no seed post 003 in {SEEDS}"
    blocks = re.findall(r"```python\n(.*?)```", seed.read_text(encoding="utf-8"), re.S)
    assert SEED_003_SNIPPET.strip() in [block.strip() for block in blocks]


def test_seed_003_gives_exactly_the_expected_findings() -> None:
    findings = check(SEED_003_SNIPPET).findings
    found = [(f.start.label(), f.fix.safety if f.fix else None) for f in findings]
    assert found == [
        ("cell 1:1:1", FixSafety.SAFE),  # disable_eager_execution() after the import
        ("cell 1:4:10", FixSafety.SAFE),  # tf.ConfigProto
        ("cell 1:8:25", FixSafety.SAFE),  # tf.random_normal → tf.random.normal
        ("cell 1:9:15", FixSafety.UNSAFE),  # tf.layers (legacy Keras)
        ("cell 1:13:24", FixSafety.SAFE),
        ("cell 1:14:15", FixSafety.UNSAFE),
        ("cell 1:17:8", FixSafety.SAFE),  # tf.Session
        ("cell 1:21:12", FixSafety.SAFE),  # tf.global_variables_initializer
    ]
    assert "tf.Session` at cell 1, line 17" in findings[0].message
    assert "tf_keras" in findings[3].message and "TF_USE_LEGACY_KERAS" in findings[3].message


def test_seed_003_fixes_to_code_that_compiles_and_is_clean() -> None:
    (text,) = fixed(SEED_003_SNIPPET)
    compile(text, "<seed 003>", "exec")
    assert text.startswith("import tensorflow as tf\ntf.compat.v1.disable_eager_execution()\n")
    assert "tf.random.normal((100, 100, 100, 3))" in text
    assert "tf.compat.v1.layers.conv2d(" in text
    assert "sess = tf.compat.v1.Session(config=config)" in text
    assert text.count("disable_eager_execution") == 1
    assert check(text).findings == ()


def test_safe_fixes_alone_leave_the_legacy_keras_names() -> None:
    (text,) = fixed(SEED_003_SNIPPET, unsafe=False)
    assert "tf.layers.conv2d(" in text and "tf.compat.v1.Session(" in text
    assert [f.start.label() for f in check(text).findings] == ["cell 1:10:15", "cell 1:15:15"]


@pytest.mark.parametrize(
    "import_line",
    ["import tensorflow as tflow", "import tensorflow.compat.v2 as tflow"],
)
def test_any_alias_is_followed(import_line: str) -> None:
    assert fixed(f"{import_line}\nsess = tflow.InteractiveSession()\nprint(sess.run(x))\n") == [
        f"{import_line}\ntflow.compat.v1.disable_eager_execution()\n"
        "sess = tflow.compat.v1.InteractiveSession()\nprint(sess.run(x))\n"
    ]


def test_tensorflow_without_alias() -> None:
    assert labels("import tensorflow\nx = tensorflow.placeholder(tensorflow.float32)") == [
        "cell 1:1:1",
        "cell 1:2:5",
    ]


@pytest.mark.parametrize(
    "binding",
    [
        "import tensorflow.compat.v1 as tf",
        "from tensorflow.compat import v1 as tf",
        "import tensorflow as tf\ntf = tf.compat.v1",
    ],
)
def test_the_tf1_api_on_purpose_is_not_flagged(binding: str) -> None:
    assert labels(f"{binding}\ntf.disable_v2_behavior()\nx = tf.placeholder(tf.float32)") == []


def test_names_imported_from_tensorflow() -> None:
    assert labels("from tensorflow import train\nopt = train.AdamOptimizer(0.1)") == ["cell 1:2:7"]
    assert labels("from tensorflow import Session, placeholder") == ["cell 1:1:24", "cell 1:1:33"]
    assert fixed("from tensorflow.train import AdamOptimizer") == [
        "from tensorflow.compat.v1.train import AdamOptimizer"
    ]


def test_contrib_is_reported_once_per_use_without_fix() -> None:
    findings = check(
        "import tensorflow as tf\nimport tensorflow.contrib.slim as slim\n"
        "cell = tf.contrib.rnn.LSTMCell(8)\nnet = slim.fully_connected(x, 8)"
    ).findings
    assert [f.start.label() for f in findings] == ["cell 1:2:8", "cell 1:3:8"]
    assert all(f.fix is None for f in findings)


def test_the_legacy_tpu_names_are_left_to_nbp203() -> None:
    assert (
        labels(
            "import tensorflow as tf\n"
            "from tensorflow.contrib.cluster_resolver import TPUClusterResolver\n"
            "m = tf.contrib.tpu.keras_to_tpu_model(model)"
        )
        == []
    )


def test_insertion_goes_in_the_unit_of_the_first_import_once() -> None:
    cells = (
        "import numpy as np\n",
        "import tensorflow as tf\n",
        "import tensorflow as tf\nx = tf.placeholder(tf.float32)\n",
        "y = tf.placeholder(tf.float32)",
    )
    assert labels(*cells) == ["cell 2:1:1", "cell 3:2:5", "cell 4:1:5"]
    result = fixed(*cells)
    assert result[1] == "import tensorflow as tf\ntf.compat.v1.disable_eager_execution()\n"
    assert "".join(result).count("disable_eager_execution") == 1


def test_insertion_keeps_the_indentation_and_line_endings() -> None:
    assert fixed(
        "try:\r\n    import tensorflow as tf\r\nexcept ImportError:\r\n    raise\r\n"
        "x = tf.placeholder(tf.float32)",
        layout="notebook",
    ) == [
        "try:\r\n    import tensorflow as tf\r\n    tf.compat.v1.disable_eager_execution()\r\n"
        "except ImportError:\r\n    raise\r\nx = tf.compat.v1.placeholder(tf.float32)"
    ]


def test_insertion_at_the_end_of_a_cell_without_newline() -> None:
    assert fixed("import tensorflow as tf", "x = tf.placeholder(tf.float32)") == [
        "import tensorflow as tf\ntf.compat.v1.disable_eager_execution()",
        "x = tf.compat.v1.placeholder(tf.float32)",
    ]


def test_insertion_and_a_rename_on_the_next_line_do_not_overlap() -> None:
    (text,) = fixed("import tensorflow as tf\ntf.logging.info('x')\nx = tf.placeholder(tf.float32)")
    assert text == (
        "import tensorflow as tf\ntf.compat.v1.disable_eager_execution()\n"
        "tf.compat.v1.logging.info('x')\nx = tf.compat.v1.placeholder(tf.float32)"
    )


def test_insertion_is_unsafe_next_to_keras() -> None:
    cells = (
        "import tensorflow as tf\nfrom tensorflow.keras import layers\n",
        "x = tf.placeholder(tf.float32)",
    )
    first = check(*cells).findings[0]
    assert first.start.label() == "cell 1:1:1"
    assert first.fix is not None and first.fix.safety is FixSafety.UNSAFE
    assert "Keras" in first.message
    assert fixed(*cells, unsafe=False)[0] == cells[0]


def test_keras_datasets_alone_keep_the_insertion_safe() -> None:
    findings = check(
        "import tensorflow as tf\n(x_train, y_train), _ = tf.keras.datasets.mnist.load_data()\n"
        "x = tf.placeholder(tf.float32)"
    ).findings
    assert findings[0].fix is not None and findings[0].fix.safety is FixSafety.SAFE


@pytest.mark.parametrize(
    "code",
    [
        "import tensorflow as tf\nsess = tf.Session(config=config)\n",  # a session that never runs
        "import tensorflow as tf\nx = tf.placeholder(tf.float32)\ntf.disable_eager_execution()",
        "import tensorflow as tf\nx = tf.placeholder(tf.float32)\n"
        "est = tf.estimator.Estimator(model_fn)",
    ],
)
def test_no_insertion_when_no_graph_needs_it(code: str) -> None:
    assert "builds a TF 1 graph" not in " ".join(f.message for f in check(code).findings)


def test_graph_mode_switched_on_inside_a_version_check_counts() -> None:
    code = (
        "import tensorflow as tf\nif tf.__version__.startswith('2'):\n"
        "    tf.compat.v1.disable_eager_execution()\nx = tf.placeholder(tf.float32)"
    )
    assert labels(code) == ["cell 1:4:5"]


def test_already_ported_placeholders_still_need_graph_mode() -> None:
    assert labels("import tensorflow as tf\nx = tf.compat.v1.placeholder(tf.float32)") == [
        "cell 1:1:1"
    ]


def test_escapes_and_percent_scripts() -> None:
    assert fixed("!nvidia-smi\nimport tensorflow as tf\nsess = tf.Session()") == [
        "!nvidia-smi\nimport tensorflow as tf\nsess = tf.compat.v1.Session()"
    ]
    assert labels("import tensorflow as tf\n", "sess = tf.Session()\n", layout="percent") == ["4:8"]


def test_the_table_is_generated_data_that_ships_in_the_package() -> None:
    data = json.loads(TABLE_PATH.read_text(encoding="utf-8"))
    assert data["generated_by"] == "tools/tf1_symbols.py"
    assert data["tensorflow"].startswith("2.")
    table = symbol_table()
    assert {"Session", "placeholder", "ConfigProto", "train.AdamOptimizer", "logging"} <= set(
        table.symbols
    )
    assert table.symbols["random_normal"].v2 == "random.normal"
    assert table.symbols["layers"].legacy_keras and table.symbols["nn.rnn_cell"].legacy_keras
    # Nothing TF 2 still has is listed: not tf.keras, not tf.compat, not tf.random.normal.
    assert not any(path.split(".")[0] in {"keras", "compat", "constant"} for path in table.symbols)
    assert "random" not in table.symbols
    # Package data: it sits beside the rules, in the source tree and in the installed wheel.
    assert TABLE_PATH.parent.parts[-2:] == ("nbport", "rules")
    assert (
        REPOSITORY / "nbport" / "rules" / TABLE_PATH.name
    ).read_bytes() == TABLE_PATH.read_bytes()


def test_the_table_script_documents_its_tensorflow_version() -> None:
    script = (REPOSITORY / "tools" / "tf1_symbols.py").read_text(encoding="utf-8")
    version = json.loads(TABLE_PATH.read_text(encoding="utf-8"))["tensorflow"]
    assert f"TensorFlow {version}" in script and "tensorflow-cpu" in script


def test_fixed_cells_compile_with_escapes_masked() -> None:
    cells = fixed("%matplotlib inline\nimport tensorflow as tf\nx = tf.placeholder(tf.float32)")
    for cell in cells:
        scanned = scan(cell, document_from_cells([cell], "notebook").units()[0].escape_style)
        python, _, _ = strip_leading_indent(scanned.masked)
        assert isinstance(python3_tree(python), ast.Module)


def test_columns_count_characters_not_bytes() -> None:
    assert fixed("import tensorflow as tf\nname = 'тензор'; sess = tf.Session()") == [
        "import tensorflow as tf\nname = 'тензор'; sess = tf.compat.v1.Session()"
    ]
    assert labels("import tensorflow as tf\nname = 'тензор'; sess = tf.Session()") == [
        "cell 1:2:25"
    ]


def test_a_cell_indented_as_a_whole() -> None:
    assert fixed("    import tensorflow as tf\n    tf.logging.info('x')") == [
        "    import tensorflow as tf\n    tf.compat.v1.logging.info('x')"
    ]


def test_a_tf1_only_module_imported_under_a_name_is_reported_at_the_import() -> None:
    findings = check("import tensorflow.logging as L\nL.info('x')").findings
    assert [(f.start.label(), f.fix) for f in findings] == [("cell 1:1:8", None)]
    assert "`tensorflow.logging` is TF 1 API" in findings[0].message


def test_a_name_rebound_to_something_else_is_no_longer_tensorflow() -> None:
    assert labels("import tensorflow as tf\ntf = load()\nsess = tf.Session()") == []
    assert labels("import tensorflow as tf\nfor tf in range(3): pass\ntf.Session()") == []


def test_names_from_tensorflow_compat_v2_are_tf2_names() -> None:
    assert labels("from tensorflow.compat.v2 import feature_column as fc\nfc.input_layer(x)") == [
        "cell 1:2:1"
    ]


def test_the_decorator_is_met_before_the_function_body() -> None:
    (first, _) = check(
        "import tensorflow as tf\n@tf.function\ndef f():\n"
        "    x = tf.placeholder(tf.float32)\n    return x.numpy()"
    ).findings
    assert "this file also uses `function`" in first.message


def test_a_module_name_written_with_spaces_is_still_renamed() -> None:
    assert fixed("from tensorflow . logging import info") == [
        "from tensorflow.compat.v1.logging import info"
    ]


def _findings(cells: list[str], runtime: str = "latest") -> list[tuple[str, str, object]]:
    """(place, message, fix) of each finding on `cells`, checked against `runtime`."""
    settings = RuleSettings(colab_runtime=runtime)
    result = check_document(document_from_cells(cells, "notebook"), [ENTRY], settings)
    return [(f.start.label(), f.message, f.fix) for f in result.findings]


def test_an_optimizer_assigned_then_compiled_in_a_later_cell_goes_into_keras() -> None:
    cells = [
        "import tensorflow as tf\nopt = tf.train.GradientDescentOptimizer(0.1)",
        "model = tf.keras.Sequential()",
        "model.compile(loss='mse', optimizer=opt)",
    ]
    ((place, message, fix),) = _findings(cells)
    assert place == "cell 1:2:7"
    assert "`compile` at cell 3, line 1" in message
    assert "`tf.compat.v1.train.GradientDescentOptimizer` included" in message
    assert fix is not None and fix.safety is FixSafety.UNSAFE
    assert [edit.replacement for edit in fix.edits] == ["tf.keras.optimizers.SGD"]


def test_an_optimizer_that_minimizes_a_graph_loss_keeps_the_compat_v1_rename() -> None:
    cells = [
        "import tensorflow as tf\nopt = tf.train.AdamOptimizer(0.1)\nstep = opt.minimize(loss)"
    ]
    ((_, message, fix),) = _findings(cells)
    assert "Keras" not in message
    assert fix is not None and fix.safety is FixSafety.SAFE
    assert [edit.replacement for edit in fix.edits] == ["tf.compat.v1.train.AdamOptimizer"]


@pytest.mark.parametrize(
    ("call", "replacements"),
    [
        (
            "tf.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True)",
            ["tf.keras.optimizers.SGD", "nesterov=True"],
        ),
        (
            "tf.train.RMSPropOptimizer(learning_rate=0.1, decay=0.95)",
            ["tf.keras.optimizers.RMSprop", "rho=0.95"],
        ),
        ("tf.train.AdamOptimizer(0.1, 0.9, 0.99, 1e-8)", ["tf.keras.optimizers.Adam"]),
        ("tf.train.GradientDescentOptimizer(0.1, True)", None),  # use_locking, positionally
        ("tf.train.AdagradOptimizer(0.1, **options)", None),
        ("tf.train.ProximalGradientDescentOptimizer(0.1)", None),
    ],
)
def test_keras_fixes_only_where_the_arguments_map(
    call: str, replacements: list[str] | None
) -> None:
    cells = [f"import tensorflow as tf\nm = tf.keras.Sequential()\nm.compile({call}, loss='mse')"]
    ((_, message, fix),) = _findings(cells)
    assert "Could not interpret optimizer identifier" in message
    if replacements is None:
        assert fix is None
    else:
        assert fix is not None and [edit.replacement for edit in fix.edits] == replacements


@pytest.mark.parametrize(
    ("cells", "places"),
    [
        # Graph evidence: a Session that runs, placeholders, or merge_all written the TF 1 way.
        (
            [
                "import tensorflow as tf\ntf.summary.histogram('w', w)\nsess = tf.Session()\nsess.run(w)"
            ],
            ["cell 1:1:1", "cell 1:2:1", "cell 1:3:8"],  # and the switch to graph mode
        ),
        (
            [
                "import tensorflow as tf\ntf.summary.image('x', x)\nm = tf.compat.v1.summary.merge_all()"
            ],
            ["cell 1:2:1"],
        ),
        # No graph: TF 2's own summary call, whatever its arguments.
        (["import tensorflow as tf\ntf.summary.scalar('loss', loss)"], []),
        # A TF 2 writer in the file: the TF 2 API on purpose.
        (
            [
                "import tensorflow as tf\nw = tf.summary.create_file_writer('l')\ntf.summary.scalar('a', a)\ns = tf.summary.merge_all()"
            ],
            ["cell 1:4:5"],
        ),
        # TF 2's signature in graph code: `step=`.
        (
            [
                "import tensorflow as tf\ntf.summary.scalar('a', a, step=1)\ns = tf.summary.merge_all()"
            ],
            ["cell 1:3:5"],
        ),
    ],
)
def test_tf1_summaries_are_reported_in_graph_code_only(cells: list[str], places: list[str]) -> None:
    assert [place for place, _, _ in _findings(cells)] == places


@pytest.mark.parametrize(
    ("runtime", "named"), [("latest", "TensorFlow 2.20"), ("2025.07", "TensorFlow 2.18")]
)
def test_messages_name_the_runtimes_tensorflow_and_tf_keras(runtime: str, named: str) -> None:
    findings = _findings(
        ["import tensorflow as tf\nsess = tf.Session()\ny = tf.layers.dense(x, 3)"], runtime
    )
    assert all(f"gone from Colab's {named}" in message for _, message, _ in findings)
    assert "Colab ships `tf_keras` 2." in findings[-1][1]
    assert "pip install" not in findings[-1][1]
