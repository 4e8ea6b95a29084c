"""Every catalog example is a test: bad gives exactly its findings, fix gives fixed, clean stays clean."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nbport.api import fix_document
from nbport.catalog import CatalogEntry, load_catalog
from nbport.documents import document_from_cells
from nbport.documents.base import MetadataDocument
from nbport.engine import check_document

CATALOG = load_catalog()
BAD = [
    pytest.param(entry, example, id=f"{entry.id}-example{number}")
    for entry in CATALOG.values()
    for number, example in enumerate(entry.examples, start=1)
]
CLEAN = [
    pytest.param(entry, clean, id=f"{entry.id}-clean{number}")
    for entry in CATALOG.values()
    for number, clean in enumerate(entry.clean, start=1)
]


def example_document(cells, example, folder: Path):
    """The example's document; in `folder`, beside its `files` (sparse), when it declares some."""
    if not example.files:
        return document_from_cells(cells, example.format)
    for name, size in example.files:
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.touch()
        os.truncate(target, size)
    suffix = ".ipynb" if example.format == "notebook" else ".py"
    return document_from_cells(cells, example.format, folder / f"example{suffix}")


@pytest.mark.parametrize(("entry", "example"), BAD)
def test_bad_side_gives_exactly_its_findings(entry: CatalogEntry, example, tmp_path: Path) -> None:
    document = example_document(example.bad, example, tmp_path)
    result = check_document(document, [entry])
    assert result.errors == ()
    assert [finding.start.label() for finding in result.findings] == list(example.findings)
    assert {finding.rule for finding in result.findings} == {entry.id}
    # The catalog names every safety the rule's fixes have: the README table and `nbport rules`
    # show it, and must not call a fix safe that `--statistics` counts as unsafe.
    for finding in result.findings:
        if finding.fix is not None:
            assert finding.fix.safety in entry.fixes


@pytest.mark.parametrize(("entry", "example"), BAD)
def test_fix_turns_bad_into_fixed(entry: CatalogEntry, example, tmp_path: Path) -> None:
    document = example_document(example.bad, example, tmp_path)
    outcome = fix_document(document, [entry], unsafe=True)
    assert outcome.refused is None
    assert [unit.text for unit in outcome.document.units()] == list(example.fixed)


@pytest.mark.parametrize(("entry", "example"), BAD)
def test_fix_leaves_the_fixed_metadata(entry: CatalogEntry, example, tmp_path: Path) -> None:
    """An example's `fixed_metadata` (default: its `metadata`) is the notebook metadata fixing leaves."""
    document = example_document(example.bad, example, tmp_path)
    if not isinstance(document, MetadataDocument):
        return  # scripts have no metadata
    outcome = fix_document(document, [entry], unsafe=True)
    expected = document_from_cells(example.fixed, example.format)
    assert isinstance(outcome.document, MetadataDocument)
    assert isinstance(expected, MetadataDocument)
    assert outcome.document.metadata == expected.metadata


@pytest.mark.parametrize(("entry", "example"), BAD)
def test_fixed_side_is_clean_when_a_fix_exists(
    entry: CatalogEntry, example, tmp_path: Path
) -> None:
    fixed = check_document(example_document(example.fixed, example, tmp_path), [entry])
    assert fixed.errors == ()
    if example.fixed != example.bad:
        assert fixed.findings == ()
    else:  # no automatic fix: the finding must still be there, unchanged
        assert [finding.start.label() for finding in fixed.findings] == list(example.findings)
        assert all(finding.fix is None for finding in fixed.findings)


@pytest.mark.parametrize(("entry", "clean"), CLEAN)
def test_clean_look_alikes_are_not_flagged(entry: CatalogEntry, clean) -> None:
    result = check_document(document_from_cells(clean.code, clean.format), [entry])
    assert result.errors == ()
    assert result.findings == ()


@pytest.mark.parametrize("entry", CATALOG.values(), ids=list(CATALOG))
def test_clean_examples_pass_every_rule(entry: CatalogEntry) -> None:
    """A clean look-alike of one rule must not trip another rule of the same direction either.

    Rules of the other direction may: a clean example for a Colab rule is Colab code, which the
    `local` rules rightly flag (`from google.colab import drive` on a laptop).
    """
    same_direction = [
        other for other in CATALOG.values() if set(other.targets) & set(entry.targets)
    ]
    for clean in entry.clean:
        result = check_document(document_from_cells(clean.code, clean.format), same_direction)
        assert result.findings == (), clean.code
