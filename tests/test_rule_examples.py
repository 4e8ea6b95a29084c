"""Every catalog example is a test: bad gives exactly its findings, fix gives fixed, clean stays clean."""

from __future__ import annotations

import pytest

from nbport.api import fix_document
from nbport.catalog import CatalogEntry, load_catalog
from nbport.documents import document_from_cells
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


@pytest.mark.parametrize(("entry", "example"), BAD)
def test_bad_side_gives_exactly_its_findings(entry: CatalogEntry, example) -> None:
    document = document_from_cells(example.bad, example.format)
    result = check_document(document, [entry])
    assert result.errors == ()
    assert [finding.start.label() for finding in result.findings] == list(example.findings)
    assert {finding.rule for finding in result.findings} == {entry.id}


@pytest.mark.parametrize(("entry", "example"), BAD)
def test_fix_turns_bad_into_fixed(entry: CatalogEntry, example) -> None:
    document = document_from_cells(example.bad, example.format)
    outcome = fix_document(document, [entry], unsafe=True)
    assert outcome.refused is None
    assert [unit.text for unit in outcome.document.units()] == list(example.fixed)


@pytest.mark.parametrize(("entry", "example"), BAD)
def test_fixed_side_is_clean_when_a_fix_exists(entry: CatalogEntry, example) -> None:
    fixed = check_document(document_from_cells(example.fixed, example.format), [entry])
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
    """A clean look-alike of one rule must not trip another rule either."""
    for clean in entry.clean:
        result = check_document(
            document_from_cells(clean.code, clean.format), list(CATALOG.values())
        )
        assert result.findings == (), clean.code
