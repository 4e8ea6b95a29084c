"""Every rule survives any Python: generated programs (hypothesmith) with Colab lines mixed in.

The programs come from Python's grammar, so they hold constructs no example thinks of (walrus in
comprehensions, decorators on classes, unicode names, deep nesting). Colab-flavoured lines are
spliced in between their lines, so that the triggers of every rule fire on code they never saw.
Each document is checked and fixed as a notebook, a plain script and a percent script, with
`\\n`, `\\r\\n` and `\\r` line endings. Whatever the input, no exception may escape the engine or the
fix loop (the run would report it as an internal error), a cell that does not parse is an error of
that cell, and a fix never leaves a document that no longer parses.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nbport.api import check_document, fix_document
from nbport.catalog import load_catalog
from nbport.documents import Document, document_from_bytes, document_from_cells
from nbport.finding import FileError

CATALOG = load_catalog()
RULES = tuple(CATALOG.values())
# hypothesmith compiles what it generates, and CPython warns about some of it (`1()`).
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")

#: Lines that wake the rules: escapes, paths, imports, training calls, accelerators.
COLAB_LINES = [
    "!cd data",
    "!cd",
    "%cd /content/drive/My Drive/data",
    "!pip install tensorflow==1.15",
    "%pip install -q transformers",
    "!unzip data.zip",
    "!ls /content/gdrive/My\\ Drive",
    "%tensorflow_version 1.x",
    "%matplotlib inline",
    "files = !ls",
    "x = 'C:\\\\Users\\\\me\\\\data.csv'",
    "path = r'data\\images\\*.jpg'",
    "df = pd.read_csv('/content/drive/MyDrive/train.csv')",
    "open('/home/me/data.txt')",
    "import keras",
    "from keras.layers import Dense",
    "import tensorflow as tf",
    "from tensorflow import keras",
    "sess = tf.Session(config=tf.ConfigProto())",
    "tf.contrib.tpu.keras_to_tpu_model(model)",
    "tpu_model.predict(x)",
    "model.fit(x, y, epochs=50)",
    "arr = np.load('big.npy')",
    "trainer = L.Trainer(accelerator='tpu')",
    "model.to(device='tpu')",
    "model.to(device='cuda:0')",
    "from google.colab import drive",
    "drive.mount('/content/drive')",
    "import torch",
    "# nbport: ignore[NBP001]",
    "# nbport: ignore",
]

ENDINGS = ["\n", "\r\n", "\r"]
#: Built once: making the grammar's strategy costs about a second each time.
PROGRAMS = hypothesmith.from_grammar()


@st.composite
def colab_cells(draw: st.DrawFn) -> list[str]:
    """One generated program with Colab lines spliced between its lines, cut into one to three
    cells (one program per example: generating from the grammar is the slow part)."""
    lines = draw(PROGRAMS).split("\n")
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(lines)))
        lines.insert(at, draw(st.sampled_from(COLAB_LINES)))
    cuts = sorted(draw(st.lists(st.integers(0, len(lines)), max_size=2)))
    bounds = [0, *cuts, len(lines)]
    return ["\n".join(lines[start:end]) for start, end in pairwise(bounds)]


def _with_ending(cells: list[str], ending: str) -> list[str]:
    return [cell.replace("\r\n", "\n").replace("\r", "\n").replace("\n", ending) for cell in cells]


def _exercise(document: Document) -> None:
    """Check and fix `document`: no exception escapes, and the fix keeps it readable."""
    result = check_document(document, RULES, report_unused_suppressions=True)
    for error in result.errors:
        assert isinstance(error, FileError)
        assert "internal error" not in error.message
    for finding in result.findings:
        if finding.fix is not None and finding.rule in CATALOG:
            assert finding.fix.safety in CATALOG[finding.rule].fixes
        assert finding.start.line >= 1 and finding.start.column >= 1
        assert (finding.start.line, finding.start.column) <= (finding.end.line, finding.end.column)
    outcome = fix_document(document, RULES, unsafe=True, report_unused_suppressions=True)
    if outcome.refused is None and not result.errors:
        again = check_document(outcome.document, RULES, report_unused_suppressions=True)
        assert again.errors == (), "a fix left a document that no longer parses"


PROPERTY_SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@PROPERTY_SETTINGS
@given(cells=colab_cells(), ending=st.sampled_from(ENDINGS))
def test_every_rule_survives_generated_notebooks(cells: list[str], ending: str) -> None:
    _exercise(document_from_cells(_with_ending(cells, ending), "notebook"))


@PROPERTY_SETTINGS
@given(cells=colab_cells(), ending=st.sampled_from(ENDINGS))
def test_every_rule_survives_generated_percent_scripts(cells: list[str], ending: str) -> None:
    _exercise(document_from_cells(_with_ending(cells, ending), "percent"))


@PROPERTY_SETTINGS
@given(cells=colab_cells(), ending=st.sampled_from(ENDINGS))
def test_every_rule_survives_generated_plain_scripts(cells: list[str], ending: str) -> None:
    # A plain script has no escapes: the Colab escape lines make some of them unreadable, which
    # must be an error of the file, never an exception.
    text = ending.join(_with_ending(cells, ending))
    _exercise(document_from_bytes(Path("generated.py"), text.encode()))
