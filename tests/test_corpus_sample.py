"""The whole-corpus trust check, trimmed: benchmarks/corpus_check.py on a fixed sample of the corpus.

Every 15th corpus file (sorted by path: about 170 of 2,592, from every repository) is copied, then
checked and fixed twice through the real command line; every property of the full check must hold.
`python benchmarks/corpus_check.py` runs the same on every file.
"""

from __future__ import annotations

import pytest
from conftest import CORPUS, load_corpus_check, require_shared

cc = load_corpus_check()


def _sample() -> list[str]:
    return cc.sample_files(cc.corpus_files(require_shared(CORPUS)), 15)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory):
    output_format = "json" if cc.json_output_available() else "text"
    return cc.trust_check(CORPUS, _sample(), tmp_path_factory.mktemp("trust"), output_format)


def test_the_sample_is_large_and_from_every_repository() -> None:
    sample = _sample()
    assert len(sample) >= 100
    repositories = {path.name for path in CORPUS.iterdir() if path.is_dir()}
    assert {name.split("/", 1)[0] for name in sample} >= repositories - {
        # Too few files to be hit by every 15th one.
        name
        for name in repositories
        if len(cc.corpus_files(CORPUS / name)) < 15
    }


def test_every_property_holds(report) -> None:
    failed = [f"{prop.name}: {prop.detail}" for prop in report.properties if not prop.passed]
    problems = [f"{name}: {'; '.join(found)}" for name, found in report.problems.items()]
    assert not failed, "\n".join(failed + problems[:10])
    assert len(report.properties) == 10


def test_the_sample_exercises_check_and_fix(report) -> None:
    # Not a vacuous pass: the sample has findings, and fixes to judge in notebooks and scripts.
    assert len(report.check_output.findings) > 100
    assert any(name.endswith(".ipynb") for name in report.changed)
    assert any(name.endswith(".py") for name in report.changed)
