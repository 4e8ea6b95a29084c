"""NotebookDocument.with_metadata: setting notebook metadata by rewriting only the bytes needed."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import CORPUS, require_shared
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_notebook_document import (
    BOM,
    change_region,
    load,
    notebooks,
    pairs,
    validate,
    writers,
)

from nbport.api import apply_fixes, fix_document, metadata_edits, rules_for
from nbport.documents import document_from_cells
from nbport.documents.base import DocumentError, MetadataDocument
from nbport.documents.notebook import NotebookDocument
from nbport.finding import Finding, Fix, FixSafety, Location, MetadataEdit

GPU = (MetadataEdit(("accelerator",), "GPU"), MetadataEdit(("colab", "gpuType"), "T4"))


def with_values(data: Any, edits: tuple[MetadataEdit, ...]) -> Any:
    """`data` with each edit applied as a dict would: a key set in place, or added at the end."""
    data = json.loads(json.dumps(data))
    for edit in edits:
        target = data.setdefault("metadata", {})
        for key in edit.keys[:-1]:
            target = target.setdefault(key, {})
        target[edit.keys[-1]] = edit.value
    return data


# --- Small cases, written out ---------------------------------------------------------------------

COLAB_FILE = """{
  "nbformat": 4,
  "nbformat_minor": 0,
  "metadata": {
    "colab": {
      "provenance": []
    },
    "kernelspec": {
      "name": "python3",
      "display_name": "Python 3"
    },
    "language_info": {
      "name": "python"
    }
  },
  "cells": [
    {
      "cell_type": "code",
      "source": [
        "import torch"
      ],
      "metadata": {},
      "execution_count": null,
      "outputs": []
    }
  ]
}"""


def test_colab_file_gets_keys_where_colab_writes_them() -> None:
    document = load(COLAB_FILE.encode())
    changed = document.with_metadata(GPU)
    assert changed.dump().decode() == COLAB_FILE.replace(
        '"provenance": []\n    },',
        '"provenance": [],\n      "gpuType": "T4"\n    },',
    ).replace(
        '"name": "python"\n    }\n  },',
        '"name": "python"\n    },\n    "accelerator": "GPU"\n  },',
    )
    assert changed.metadata["accelerator"] == "GPU"
    assert changed.metadata["colab"] == {"provenance": [], "gpuType": "T4"}


def test_jupyter_file_without_colab_gets_a_colab_object() -> None:
    raw = (
        json.dumps(
            {
                "cells": [],
                "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
                "nbformat": 4,
                "nbformat_minor": 5,
            },
            indent=1,
            sort_keys=True,
        )
        + "\n"
    ).encode()
    new = load(raw).with_metadata(GPU).dump().decode()
    assert new == (
        "{\n"
        ' "cells": [],\n'
        ' "metadata": {\n'
        '  "kernelspec": {\n'
        '   "display_name": "Python 3",\n'
        '   "name": "python3"\n'
        "  },\n"
        '  "accelerator": "GPU",\n'
        '  "colab": {\n'
        '   "gpuType": "T4"\n'
        "  }\n"
        " },\n"
        ' "nbformat": 4,\n'
        ' "nbformat_minor": 5\n'
        "}\n"
    )


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        ("{}", '{"accelerator": "GPU", "colab": {"gpuType": "T4"}}'),
        ('{"accelerator": "CPU"}', '{"accelerator": "GPU", "colab": {"gpuType": "T4"}}'),
        ('{"colab": {}}', '{"colab": {"gpuType": "T4"}, "accelerator": "GPU"}'),
        (
            '{"colab":{"gpuType":"V28"},"x":1}',
            '{"colab":{"gpuType":"T4"},"x":1,"accelerator":"GPU"}',
        ),
    ],
)
def test_one_line_files_stay_on_one_line(metadata: str, expected: str) -> None:
    raw = '{"cells": [], "metadata": ' + metadata + ', "nbformat": 4, "nbformat_minor": 5}'
    if '"x":1' in metadata:
        raw = raw.replace(", ", ",").replace(": ", ":")
    new = load(raw.encode()).with_metadata(GPU).dump().decode()
    assert new == raw.replace(metadata, expected)


def test_an_existing_value_is_replaced_in_place() -> None:
    raw = COLAB_FILE.replace('"metadata": {\n', '"metadata": {\n    "accelerator": "TPU",\n', 1)
    new = load(raw.encode()).with_metadata(GPU[:1]).dump().decode()
    assert new == raw.replace('"accelerator": "TPU"', '"accelerator": "GPU"')


def test_crlf_bom_and_tabs_are_kept() -> None:
    data = {"cells": [], "metadata": {"colab": {"name": "a"}}, "nbformat": 4, "nbformat_minor": 2}
    text = json.dumps(data, indent="\t").replace("\n", "\r\n")
    expected = json.dumps(with_values(data, GPU), indent="\t").replace("\n", "\r\n")
    new = load(BOM + text.encode()).with_metadata(GPU).dump()
    assert new == BOM + expected.encode()


def test_nothing_to_change_returns_the_same_document() -> None:
    document = load(COLAB_FILE.encode()).with_metadata(GPU)
    assert document.with_metadata(GPU) is document
    assert document.with_metadata(()) is document


def test_a_value_on_the_path_that_is_not_an_object_is_refused() -> None:
    raw = COLAB_FILE.replace('"colab": {\n      "provenance": []\n    }', '"colab": "x"')
    with pytest.raises(DocumentError, match=r"metadata\.colab\.gpuType"):
        load(raw.encode()).with_metadata(GPU)


def test_nbformat_3_metadata() -> None:
    data = {
        "metadata": {"name": "old"},
        "nbformat": 3,
        "nbformat_minor": 0,
        "worksheets": [
            {"cells": [{"cell_type": "code", "input": "x", "language": "python", "outputs": []}]}
        ],
    }
    raw = json.dumps(data, indent=1).encode()
    new = load(raw).with_metadata(GPU).dump()
    assert new == json.dumps(with_values(data, GPU), indent=1).encode()
    validate(new)


def test_duplicate_keys_keep_blocking_writes() -> None:
    raw = COLAB_FILE.replace('"nbformat": 4,', '"nbformat": 4,\n  "nbformat": 4,').encode()
    changed = load(raw).with_metadata(GPU)
    assert [notice.blocks_writing for notice in changed.notices] == [True]


def test_sources_can_change_after_metadata() -> None:
    changed = load(COLAB_FILE.encode()).with_metadata(GPU).with_sources({0: "import jax\n"})
    assert changed.units()[0].text == "import jax\n"
    assert changed.metadata["accelerator"] == "GPU"
    validate(changed.dump())


# --- The API --------------------------------------------------------------------------------------


def metadata_finding(unit: int, *edits: MetadataEdit) -> Finding:
    where = Location(1, 1, 1)
    return Finding(
        "NBP301", "m", Path("x.ipynb"), where, where, unit, Fix((), FixSafety.SAFE, edits)
    )


def test_apply_fixes_keeps_metadata_fixes_that_agree() -> None:
    document = document_from_cells(["a", "b"], "notebook")
    findings = [
        metadata_finding(0, MetadataEdit(("accelerator",), "GPU")),
        metadata_finding(1, MetadataEdit(("accelerator",), "GPU"), GPU[1]),
        metadata_finding(1, MetadataEdit(("accelerator",), "TPU")),
        metadata_finding(0, MetadataEdit(("accelerator", "x"), "y")),
    ]
    changes, applied = apply_fixes(document, findings)
    assert changes == {}
    assert applied == findings[:2]
    assert metadata_edits(applied) == GPU


def test_scripts_take_no_metadata_fix() -> None:
    document = document_from_cells(["a"], "script")
    changes, applied = apply_fixes(document, [metadata_finding(0, *GPU)])
    assert (changes, applied) == ({}, [])


def test_fix_document_sets_metadata_and_converges() -> None:
    document = document_from_cells(["import torch\ntorch.cuda.is_available()"], "notebook")
    outcome = fix_document(document, rules_for(["NBP301"]))
    assert isinstance(outcome.document, MetadataDocument)
    assert outcome.document.metadata["accelerator"] == "GPU"
    assert [finding.rule for finding in outcome.fixed] == ["NBP301"]
    assert outcome.result.findings == ()
    assert [unit.text for unit in outcome.document.units()] == [
        unit.text for unit in document.units()
    ]


def test_diff_shows_the_metadata_as_a_pseudo_cell(tmp_path: Path, nbport) -> None:
    path = tmp_path / "gpu.ipynb"
    path.write_text(COLAB_FILE.replace('"import torch"', '"!nvidia-smi"'), encoding="utf-8")
    result = nbport("fix", "--diff", "--select", "NBP301", str(path))
    assert result.returncode == 1, result.stderr
    assert f"--- {path}:metadata (before)" in result.stdout
    assert f"+++ {path}:metadata (after)" in result.stdout
    assert '\n+ "accelerator": "GPU"\n' in result.stdout
    assert '\n+  "gpuType": "T4"\n' in result.stdout
    assert ":cell" not in result.stdout
    assert path.read_text(encoding="utf-8").count("accelerator") == 0
    written = nbport("fix", "--select", "NBP301", str(path))
    assert written.returncode == 0, written.stdout + written.stderr
    assert json.loads(path.read_text(encoding="utf-8"))["metadata"]["accelerator"] == "GPU"


# --- Generated notebooks --------------------------------------------------------------------------

metadata_shapes = st.fixed_dictionaries(
    {},
    optional={
        "colab": st.sampled_from([{}, {"provenance": [], "name": "x.ipynb"}, {"gpuType": "A100"}]),
        "accelerator": st.sampled_from(["CPU", "GPU", "TPU"]) | st.none(),
        "widgets": st.just({"state": {}}),
    },
)
edit_lists = st.lists(
    st.sampled_from(
        [
            MetadataEdit(("accelerator",), "GPU"),
            MetadataEdit(("accelerator",), "TPU"),
            MetadataEdit(("colab", "gpuType"), "T4"),
            MetadataEdit(("colab", "gpuType"), "V28"),
            MetadataEdit(("nbport", "deep", "key"), "é/<&>"),
        ]
    ),
    min_size=1,
    max_size=3,
)


@settings(deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(notebooks(), writers, metadata_shapes, st.booleans(), edit_lists)
def test_generated_notebooks_take_metadata_edits_in_place(
    notebook, writer, shape, clear, edits
) -> None:
    data, probe = notebook
    if clear:
        data["metadata"] = {}
    data["metadata"].update(shape)
    raw = writer.write(data)
    document = load(raw)
    changed = document.with_metadata(edits)
    new = changed.dump()

    # The file's own order (sorted or not), the new keys appended where a dict appends them.
    in_file_order = json.loads(raw.decode("utf-8-sig"))
    expected = with_values(in_file_order, tuple(edits))
    assert pairs(new) == pairs(json.dumps(expected))
    # Every byte outside the metadata object is as it was.
    old_text, new_text = raw.decode("utf-8-sig"), new.decode("utf-8-sig")
    if new != raw:
        start, end = change_region(old_text, new_text)
        span_start, span_end = top_metadata_span(old_text)
        assert span_start <= start and end <= span_end
    # When the file shows how it escapes what the new values hold, the result is exactly what its
    # writer writes for that data: the new members have the file's indent, separators, escapes
    # and line endings.
    if (probe and not clear) or all(edit.value.isalnum() for edit in edits):
        assert new == dataclasses.replace(writer, sort_keys=False).write(expected)
    assert new.startswith(BOM) == writer.bom
    validate(new)
    assert changed.metadata == expected["metadata"]
    assert [unit.text for unit in changed.units()] == [unit.text for unit in document.units()]
    # Idempotent, in memory and once reloaded.
    assert changed.with_metadata(edits) is changed
    assert load(new).with_metadata(edits).dump() == new
    assert (new == raw) == (changed is document)


# --- The corpus -----------------------------------------------------------------------------------


def top_metadata_span(text: str) -> tuple[int, int]:
    """The span of the top-level `metadata` value, found with json's own decoder, member by member
    (the last one, as `json.loads` keeps it)."""
    decoder = json.JSONDecoder()
    space = re.compile(r"[ \t\r\n]*")
    pos = space.match(text, text.index("{") + 1).end()
    found = None
    while text[pos] != "}":
        key, pos = decoder.raw_decode(text, pos)
        pos = space.match(text, space.match(text, pos).end() + 1).end()  # past the colon
        _value, end = decoder.raw_decode(text, pos)
        if key == "metadata":
            found = (pos, end)
        pos = space.match(text, end).end()
        if text[pos] == ",":
            pos = space.match(text, pos + 1).end()
    assert found is not None, "no top-level metadata"
    return found


def test_corpus_sample_takes_metadata_edits_inside_the_metadata() -> None:
    edited = 0
    for path in sorted(require_shared(CORPUS).rglob("*.ipynb"))[::4]:
        try:
            document = NotebookDocument.load(path)
        except DocumentError:
            continue
        if document.notices or not isinstance(document.metadata.get("colab", {}), dict):
            continue
        old = document.raw.decode("utf-8-sig")
        changed = document.with_metadata(GPU)
        new = changed.dump().decode("utf-8-sig")
        data = json.loads(old)
        expected = with_values(data, GPU)
        assert json.loads(new) == expected, path
        assert pairs(new) == pairs(json.dumps(expected)), path
        if new != old:
            start, end = change_region(old, new)
            span_start, span_end = top_metadata_span(old)
            assert span_start <= start and end <= span_end, path
            edited += 1
        validate(changed.dump())
        assert changed.with_metadata(GPU) is changed
        assert load(changed.dump()).with_metadata(GPU).dump() == changed.dump()
    assert edited > 250
