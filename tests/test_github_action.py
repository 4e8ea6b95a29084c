"""The GitHub Action (`action.yml`) and the README's example workflow, checked with real tools and run.

check-jsonschema validates both against the schemas GitHub's files follow, zizmor audits both for
security problems (offline, with no configuration file and no ignore comment), and the
action's shell steps run under bash with the environment GitHub gives a composite action's steps:
inputs through each step's `env:`, `GITHUB_ACTION_PATH`, `GITHUB_WORKSPACE`, `RUNNER_TEMP`,
`GITHUB_OUTPUT`. The install step really installs this checkout with pip (from the package index)
into a virtual environment of its own; only `actions/setup-python` is stood in for, by this Python.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import BAD_NOTEBOOK, REPOSITORY, installed_tool

ACTION_FILE = REPOSITORY / "action.yml"
ACTION = yaml.safe_load(ACTION_FILE.read_text(encoding="utf-8"))
STEPS = ACTION["runs"]["steps"]
README = (REPOSITORY / "README.md").read_text(encoding="utf-8")

CLEAN_NOTEBOOK = BAD_NOTEBOOK.replace('"!cd data\\n"', '"%cd data\\n"')
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def readme_block(marker: str) -> str:
    """The fenced yaml block right after `marker` in the README."""
    match = re.search(re.escape(marker) + r"\n```yaml\n(.*?)\n```", README, re.S)
    assert match is not None, f"README.md has no ```yaml block after {marker}"
    return match.group(1) + "\n"


def example_steps() -> list[dict]:
    """The steps of the README's example workflow."""
    return yaml.safe_load(readme_block("<!-- example-workflow -->"))["jobs"]["nbport"]["steps"]


@pytest.fixture
def example_workflow(tmp_path: Path) -> Path:
    """The README's example workflow, where GitHub (and zizmor) expect a workflow."""
    workflow = tmp_path / ".github" / "workflows" / "nbport.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(readme_block("<!-- example-workflow -->"), encoding="utf-8")
    return workflow


def run_tool(*command: str) -> subprocess.CompletedProcess[str]:
    """Run a checker; its output is kept for the assertion message."""
    return subprocess.run(
        command, capture_output=True, text=True, encoding="utf-8", timeout=300, check=False
    )


def zizmor(path: Path) -> subprocess.CompletedProcess[str]:
    """zizmor's offline audits on `path`, with no configuration file to relax them."""
    # An ignore comment would silence a finding: there must be none.
    assert "zizmor:" not in path.read_text(encoding="utf-8")
    return run_tool(installed_tool("zizmor"), "--offline", "--no-config", str(path))


# --- schemas and audits ---------------------------------------------------------------------


def test_action_validates_against_the_github_actions_schema() -> None:
    checked = run_tool(
        installed_tool("check-jsonschema"),
        "--builtin-schema",
        "vendor.github-actions",
        str(ACTION_FILE),
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_example_workflow_validates_against_the_github_workflows_schema(
    example_workflow: Path,
) -> None:
    checked = run_tool(
        installed_tool("check-jsonschema"),
        "--builtin-schema",
        "vendor.github-workflows",
        str(example_workflow),
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_zizmor_finds_nothing_in_the_action(tmp_path: Path) -> None:
    audited = zizmor(ACTION_FILE)
    assert audited.returncode == 0, audited.stdout + audited.stderr
    assert "No findings to report" in audited.stdout


def test_zizmor_finds_nothing_in_the_example_workflow(example_workflow: Path) -> None:
    audited = zizmor(example_workflow)
    assert audited.returncode == 0, audited.stdout + audited.stderr
    assert "No findings to report" in audited.stdout


def test_zizmor_would_catch_an_input_pasted_into_the_script(tmp_path: Path) -> None:
    # The audit above is only worth something if it reads the action: the injection this action
    # avoids must be reported when it is put back.
    text = ACTION_FILE.read_text(encoding="utf-8")
    injected = text.replace(
        '"$NBPORT" check --output-format github', "nbport ${{ inputs.args }}", 1
    )
    assert injected != text
    (tmp_path / "action.yml").write_text(injected, encoding="utf-8")
    audited = zizmor(tmp_path / "action.yml")
    assert audited.returncode != 0
    assert "template-injection" in audited.stdout


def test_no_expression_inside_a_run_script() -> None:
    for step in STEPS:
        assert "${{" not in step.get("run", ""), step["name"]


def test_every_input_is_documented_and_used() -> None:
    used = set()
    for step in STEPS:
        for value in [*step.get("env", {}).values(), *step.get("with", {}).values()]:
            used.update(re.findall(r"inputs\.([\w-]+)", str(value)))
    assert used == set(ACTION["inputs"])
    for name, declared in ACTION["inputs"].items():
        assert declared["description"], name
        assert isinstance(declared["default"], str), name


def test_every_used_action_is_pinned_to_a_commit() -> None:
    steps = [*STEPS, *example_steps()]
    uses = [step["uses"] for step in steps if "uses" in step]
    assert len(uses) == 4
    for reference in uses:
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", reference), reference


def test_example_workflow_gives_only_inputs_the_action_has() -> None:
    workflow = yaml.safe_load(readme_block("<!-- example-workflow -->"))
    steps = example_steps()
    ours = [step for step in steps if step["uses"].split("@")[0].endswith("/nbport")]
    assert len(ours) == 1
    assert set(ours[0]["with"]) <= set(ACTION["inputs"])
    assert ours[0]["with"]["sarif"] == "true"
    upload = [step for step in steps if "upload-sarif" in step["uses"]]
    assert upload[0]["with"]["sarif_file"] == ACTION["inputs"]["sarif-file"]["default"]
    assert workflow["jobs"]["nbport"]["permissions"]["security-events"] == "write"


# --- the steps, run as GitHub runs them -----------------------------------------------------


def evaluate(value: str, inputs: dict[str, str], outputs: dict[str, dict[str, str]]) -> str:
    """Replace the `${{ inputs.x }}` and `${{ steps.id.outputs.y }}` expressions in `value`."""

    def replacement(match: re.Match[str]) -> str:
        expression = match.group(1)
        if found := re.fullmatch(r"inputs\.([\w-]+)", expression):
            return inputs[found.group(1)]
        if found := re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expression):
            return outputs[found.group(1)][found.group(2)]
        raise AssertionError(f"the test does not know how GitHub evaluates ${{{{ {expression} }}}}")

    return EXPRESSION.sub(replacement, str(value))


def run_step(
    step: dict,
    inputs: dict[str, str],
    outputs: dict[str, dict[str, str]],
    workspace: Path,
    runner_temp: Path,
) -> tuple[int, str]:
    """Run a `run:` step as the runner does (`bash --noprofile --norc -eo pipefail FILE`)."""
    assert step["shell"] == "bash"
    output_file = runner_temp / f"output-{step.get('id', 'step')}"
    output_file.write_text("", encoding="utf-8")
    script = runner_temp / "step.sh"
    script.write_text(step["run"], encoding="utf-8")
    environment = {key: value for key, value in os.environ.items() if key != "FORCE_COLOR"}
    environment.update(
        {
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_ACTION_PATH": str(REPOSITORY),
            "GITHUB_WORKSPACE": str(workspace),
            "RUNNER_TEMP": str(runner_temp),
            "GITHUB_OUTPUT": str(output_file),
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        }
    )
    for name, value in step.get("env", {}).items():
        environment[name] = evaluate(value, inputs, outputs)
    completed = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=workspace,
        env=environment,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=900,
        check=False,
    )
    if "id" in step:
        lines = output_file.read_text(encoding="utf-8").splitlines()
        outputs[step["id"]] = dict(line.split("=", 1) for line in lines)
    return completed.returncode, completed.stdout + completed.stderr


def step_named(name: str) -> dict:
    """The action's step called `name`."""
    (step,) = [step for step in STEPS if step["name"] == name]
    return step


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    """The step outputs after the set-up steps: the Python, then nbport installed by the action."""
    setup = step_named("Set up Python for nbport")
    # actions/setup-python is not run here; it leaves the job's Python alone and says where its own is.
    assert setup["uses"].startswith("actions/setup-python@")
    assert setup["with"]["update-environment"] is False
    outputs = {setup["id"]: {"python-path": sys.executable}}

    runner_temp = tmp_path_factory.mktemp("runner-temp")
    workspace = tmp_path_factory.mktemp("workspace")
    code, output = run_step(
        step_named("Install nbport"), defaults(), outputs, workspace, runner_temp
    )
    assert code == 0, output
    nbport = Path(outputs["install"]["nbport"])
    assert nbport.is_file()
    assert nbport.parent.parent == runner_temp / "nbport-venv"
    return outputs


def defaults(**given: str) -> dict[str, str]:
    """The action's inputs: `given` over the declared defaults (as GitHub fills them in)."""
    values = {name: declared["default"] for name, declared in ACTION["inputs"].items()}
    unknown = set(given) - set(values)
    assert not unknown, unknown
    return {**values, **given}


def run_nbport_step(
    installed: dict[str, dict[str, str]], workspace: Path, tmp_path: Path, **given: str
) -> tuple[int, str]:
    """The action's `Run nbport` step with the inputs `given`."""
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir(exist_ok=True)
    outputs = {step: dict(values) for step, values in installed.items()}
    return run_step(step_named("Run nbport"), defaults(**given), outputs, workspace, runner_temp)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A checked-out repository holding one bad notebook."""
    root = tmp_path / "workspace"
    root.mkdir()
    (root / "nb.ipynb").write_text(BAD_NOTEBOOK, encoding="utf-8")
    return root


def test_a_finding_becomes_an_annotation_and_fails_the_step(
    installed: dict, workspace: Path, tmp_path: Path
) -> None:
    code, output = run_nbport_step(installed, workspace, tmp_path)
    assert code == 1, output
    annotations = [line for line in output.splitlines() if line.startswith("::error ")]
    assert len(annotations) == 1, output
    # The line of the raw .ipynb file where `!cd data` stands; the message names the cell.
    assert annotations[0].startswith("::error file=nb.ipynb,line=9,"), annotations
    assert "title=NBP001" in annotations[0]
    assert "cell 1" in annotations[0]
    assert not (workspace / "nbport.sarif").exists()


def test_a_clean_workspace_passes(installed: dict, workspace: Path, tmp_path: Path) -> None:
    (workspace / "nb.ipynb").write_text(CLEAN_NOTEBOOK, encoding="utf-8")
    code, output = run_nbport_step(installed, workspace, tmp_path)
    assert code == 0, output
    assert "::error" not in output
    assert "::warning" not in output


def test_sarif_is_written_and_the_step_still_fails(
    installed: dict, workspace: Path, tmp_path: Path
) -> None:
    code, output = run_nbport_step(installed, workspace, tmp_path, sarif="true")
    assert code == 1, output
    assert "::error file=nb.ipynb,line=9," in output
    sarif = json.loads((workspace / "nbport.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    assert [result["ruleId"] for result in sarif["runs"][0]["results"]] == ["NBP001"]


def test_sarif_file_input_names_the_file(installed: dict, workspace: Path, tmp_path: Path) -> None:
    code, output = run_nbport_step(
        installed, workspace, tmp_path, sarif="true", **{"sarif-file": "out/nbport results.sarif"}
    )
    # The folder does not exist: that is an error (2), not a finding, and nothing is hidden.
    assert code == 2, output
    assert "::error file=nb.ipynb" in output
    (workspace / "out").mkdir()
    code, output = run_nbport_step(
        installed, workspace, tmp_path, sarif="true", **{"sarif-file": "out/nbport results.sarif"}
    )
    assert code == 1, output
    assert (
        json.loads((workspace / "out" / "nbport results.sarif").read_text())["version"] == "2.1.0"
    )


def test_paths_one_per_line_may_hold_spaces(
    installed: dict, workspace: Path, tmp_path: Path
) -> None:
    (workspace / "my notebooks").mkdir()
    (workspace / "nb.ipynb").rename(workspace / "my notebooks" / "bad.ipynb")
    (workspace / "other").mkdir()
    (workspace / "other" / "bad.ipynb").write_text(BAD_NOTEBOOK, encoding="utf-8")
    (workspace / "skipped").mkdir()
    (workspace / "skipped" / "bad.ipynb").write_text(BAD_NOTEBOOK, encoding="utf-8")
    code, output = run_nbport_step(
        installed, workspace, tmp_path, paths="  my notebooks\n\nother  \n"
    )
    assert code == 1, output
    files = re.findall(r"^::error file=([^,]+),", output, re.M)
    assert files == ["my notebooks/bad.ipynb", "other/bad.ipynb"], output


def test_args_reach_nbport_as_options(installed: dict, workspace: Path, tmp_path: Path) -> None:
    code, output = run_nbport_step(installed, workspace, tmp_path, args="--ignore  NBP001")
    assert code == 0, output
    assert "::error" not in output


def test_args_are_never_run_by_the_shell(installed: dict, workspace: Path, tmp_path: Path) -> None:
    code, output = run_nbport_step(
        installed, workspace, tmp_path, args="--ignore NBP001 $(touch pwned) `touch pwned2` *"
    )
    assert not (workspace / "pwned").exists()
    assert not (workspace / "pwned2").exists()
    # The words reach nbport as they are: names of files that do not exist, so errors.
    assert code == 2, output
    for word in ["$(touch", "pwned)", "`touch", "pwned2`", "*"]:
        assert f"::error file={word},title=nbport::" in output, output


def test_a_missing_path_is_an_error_even_with_sarif(
    installed: dict, workspace: Path, tmp_path: Path
) -> None:
    code, output = run_nbport_step(installed, workspace, tmp_path, paths="missing", sarif="true")
    assert code == 2, output
    assert "missing" in output


def test_sarif_must_be_true_or_false(installed: dict, workspace: Path, tmp_path: Path) -> None:
    code, output = run_nbport_step(installed, workspace, tmp_path, sarif="yes")
    assert code == 2, output
    assert '::error title=nbport::the sarif input must be "true" or "false"' in output
