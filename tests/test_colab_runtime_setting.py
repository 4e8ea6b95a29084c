"""The `colab-runtime` setting: the configuration key, `--colab-runtime`, and the runtime the engine
hands to the rules (read only when a rule asks)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BAD_NOTEBOOK, REPOSITORY
from conftest import run_nbport as run_in_repository

from nbport.api import check_source
from nbport.catalog import load_catalog
from nbport.config import COMMAND_LINE, DEFAULT, ConfigError, load_config
from nbport.rules import base
from nbport.settings import DEFAULT_SETTINGS, RuleSettings


def run_nbport(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_in_repository(*args, cwd=cwd, env={"PYTHONPATH": str(REPOSITORY)})


def test_the_default_is_todays_runtime(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config.colab_runtime == "latest"
    assert config.sources["colab-runtime"] == DEFAULT
    assert DEFAULT_SETTINGS.colab_runtime == "latest"
    assert DEFAULT_SETTINGS.runtime.python == (3, 13)


def test_a_project_pins_a_past_runtime(tmp_path: Path) -> None:
    (tmp_path / "nbport.toml").write_text('colab-runtime = "2025.07"\n', encoding="utf-8")
    config = load_config(tmp_path)
    assert config.colab_runtime == "2025.07"
    assert config.settings.colab_runtime == "2025.07"
    assert config.settings.runtime.python == (3, 11)
    assert 'colab-runtime = "2025.07"' in "\n".join(config.describe())


@pytest.mark.parametrize("value", ['"2024.01"', "2025.07", '"Latest"'])
def test_an_unknown_runtime_names_the_file_the_key_and_the_known_ones(
    tmp_path: Path, value: str
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        f"[tool.nbport]\ncolab-runtime = {value}\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path)
    message = str(raised.value)
    assert (
        "pyproject.toml: error: tool.nbport.colab-runtime: must be one of latest, 2026.07"
        in message
    )
    assert message.endswith("2025.07")


def test_the_command_line_wins_and_is_checked(tmp_path: Path) -> None:
    (tmp_path / "nbport.toml").write_text('colab-runtime = "2025.07"\n', encoding="utf-8")
    config = load_config(tmp_path, {"colab-runtime": "2026.01"})
    assert config.colab_runtime == "2026.01"
    assert config.sources["colab-runtime"] == COMMAND_LINE
    assert load_config(tmp_path, {"colab-runtime": None}).colab_runtime == "2025.07"
    with pytest.raises(ConfigError, match="--colab-runtime: must be one of latest"):
        load_config(tmp_path, {"colab-runtime": "2019.01"})


def test_config_command_shows_and_takes_the_option(tmp_path: Path) -> None:
    (tmp_path / "nbport.toml").write_text('colab-runtime = "2025.10"\n', encoding="utf-8")
    shown = run_nbport("config", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert any(
        line.startswith('colab-runtime = "2025.10"') and line.endswith("# nbport.toml")
        for line in shown.stdout.splitlines()
    )
    overridden = run_nbport("config", "--colab-runtime", "2026.04", cwd=tmp_path)
    assert any(
        line.startswith('colab-runtime = "2026.04"') and line.endswith("# command line")
        for line in overridden.stdout.splitlines()
    )


def test_check_and_fix_refuse_an_unknown_runtime(tmp_path: Path) -> None:
    (tmp_path / "a.ipynb").write_text(BAD_NOTEBOOK, encoding="utf-8")
    for command in ("check", "fix"):
        result = run_nbport(command, "--colab-runtime", "2019.01", "a.ipynb", cwd=tmp_path)
        assert result.returncode == 2
        assert "--colab-runtime: must be one of latest" in result.stderr
    assert (
        run_nbport("check", "--colab-runtime", "2025.07", "a.ipynb", cwd=tmp_path).returncode == 1
    )
    assert (tmp_path / "a.ipynb").read_text(encoding="utf-8") == BAD_NOTEBOOK


def test_the_engine_binds_the_projects_runtime_into_kernel_rules(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bound: list[str] = []
    original = base.Rule.bind

    def recording_bind(self: base.Rule, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        bound.append(self.runtime.name)

    monkeypatch.setattr(base.Rule, "bind", recording_bind)
    source = "import tensorflow as tf\nsess = tf.Session()\n"
    check_source(
        source, rules=[load_catalog()["NBP202"]], settings=RuleSettings(colab_runtime="2025.07")
    )
    check_source(source, rules=[load_catalog()["NBP202"]])
    assert bound == ["2025.07", "latest"]


def test_the_defaults_spelled_out_agree_with_the_runtime_module() -> None:
    from nbport import runtime, settings
    from nbport.config import Config

    assert settings.DEFAULT_RUNTIME == base.DEFAULT_RUNTIME == runtime.DEFAULT_RUNTIME
    assert Config().colab_runtime == RuleSettings().colab_runtime == runtime.DEFAULT_RUNTIME


def test_a_rule_built_by_hand_gets_todays_runtime() -> None:
    rule = base.Rule()
    assert rule.colab_runtime == "latest"
    assert rule.runtime.describe("tensorflow") == "TensorFlow 2.20"


def test_a_run_whose_rules_never_ask_does_not_import_the_runtime(tmp_path: Path) -> None:
    notebook = tmp_path / "a.ipynb"
    notebook.write_text(BAD_NOTEBOOK, encoding="utf-8")
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from nbport.api import check_paths\n"
        f"report = check_paths([Path({str(notebook)!r})], jobs=1)\n"
        "assert report.findings, 'the notebook has a finding'\n"
        "print('nbport.runtime' in sys.modules, 'nbport.wheel_index' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPOSITORY, check=False
    )
    assert result.returncode == 0, result.stderr
    # Not even imported: start-up pays nothing for the tables.
    assert result.stdout.split() == ["False", "False"]
