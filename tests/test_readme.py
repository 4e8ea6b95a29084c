"""The README stays true: its rule table, its test command and its examples on the fixtures."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

from conftest import FIXTURES, REPOSITORY, run_nbport

from nbport.catalog import load_catalog

README = (REPOSITORY / "README.md").read_text(encoding="utf-8")


def test_rule_table_matches_the_catalog() -> None:
    table = README.split("<!-- rule-table -->")[1].split("<!-- /rule-table -->")[0]
    rows = [line for line in table.strip().splitlines()[2:]]
    expected = [
        f"| {e.id} | {e.name} | {', '.join(e.targets)} | {e.severity.value} | {e.fix_label}"
        f" | {e.summary} |"
        for e in load_catalog().values()
    ]
    assert rows == expected


def test_configuration_table_has_every_rule_option() -> None:
    """Each option a catalog entry declares is a row of the configuration table, as declared."""
    options = [(entry, option) for entry in load_catalog().values() for option in entry.options]
    assert {option.name for _, option in options} >= {"min-epochs", "large-file-mb"}
    for entry, option in options:
        row = (
            f"| `{option.name}` | {option.label} | `{option.default}` | {entry.id}: {option.doc} |"
        )
        assert row in README.splitlines(), row


def test_ci_runs_the_readme_test_command() -> None:
    block = re.search(r"<!-- test-command -->\n```\n(.+?)\n```", README, re.S)
    assert block is not None
    assert block.group(1) == "pip install '.[test]' && pytest"
    assert "<!-- test-command -->" in (REPOSITORY / ".ci" / "run").read_text(encoding="utf-8")


def test_first_screen_has_the_two_set_up_commands() -> None:
    first_screen = "\n".join(README.splitlines()[:30])
    assert "pip install . && nbport check fixtures/" in first_screen
    assert "pip install '.[test]' && pytest" in first_screen


def _console_examples() -> list[tuple[str, str]]:
    """The README's `$ nbport ...` examples on the shipped fixtures that show their whole output."""
    examples = []
    for block in re.findall(r"```console\n(.+?)```", README, re.S):
        command, _, output = block.partition("\n")
        shown = output.strip() and "..." not in output
        if command.startswith("$ nbport ") and "fixtures/" in command and shown:
            examples.append((command.removeprefix("$ nbport "), output))
    return examples


def test_readme_examples_on_the_fixtures_are_real_output(tmp_path: Path) -> None:
    examples = _console_examples()
    assert len(examples) >= 3  # --diff, --statistics, --output-format github
    # On a copy: an example may be a `fix` that writes.
    shutil.copytree(FIXTURES, tmp_path / "fixtures")
    for command, output in examples:
        result = run_nbport(*shlex.split(command), cwd=tmp_path)
        assert result.stdout == output, command
