"""The README stays true: its rule table matches the catalog, and CI runs its test command."""

from __future__ import annotations

import re

from conftest import REPOSITORY

from nbport.catalog import load_catalog

README = (REPOSITORY / "README.md").read_text(encoding="utf-8")


def test_rule_table_matches_the_catalog() -> None:
    table = README.split("<!-- rule-table -->")[1].split("<!-- /rule-table -->")[0]
    rows = [line for line in table.strip().splitlines()[2:]]
    expected = [
        f"| {e.id} | {e.name} | {', '.join(e.targets)} | {e.fix.value} | {e.summary} |"
        for e in load_catalog().values()
    ]
    assert rows == expected


def test_ci_runs_the_readme_test_command() -> None:
    block = re.search(r"<!-- test-command -->\n```\n(.+?)\n```", README, re.S)
    assert block is not None
    assert block.group(1) == "pip install '.[test]' && pytest"
    assert "<!-- test-command -->" in (REPOSITORY / ".ci" / "run").read_text(encoding="utf-8")


def test_first_screen_has_the_two_set_up_commands() -> None:
    first_screen = "\n".join(README.splitlines()[:30])
    assert "pip install . && nbport check fixtures/" in first_screen
    assert "pip install '.[test]' && pytest" in first_screen
