"""Project configuration: discovery, precedence, per-file ignores, exclude, thresholds, errors."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import REPOSITORY
from conftest import run_nbport as run_in_repository

from nbport.api import check_paths, check_source, rules_for
from nbport.catalog import load_catalog
from nbport.config import COMMAND_LINE, DEFAULT, ConfigError, load_config
from nbport.settings import RuleSettings

FIT = "model.fit(image_dataset_from_directory('photos'), epochs=6)\n"  # NBP302 if min-epochs <= 6
WINDOWS = "p = 'data\\\\x.csv'\n"


def run_nbport(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real console entry point, run in `cwd` (a project folder of the test's own)."""
    return run_in_repository(*args, cwd=cwd, env={"PYTHONPATH": str(REPOSITORY)})


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def rule_ids(report: object) -> list[tuple[str, str]]:
    return [(finding.path.name, finding.rule) for finding in report.findings]  # type: ignore[attr-defined]


def test_discovery_walks_up_from_the_checked_path(tmp_path: Path) -> None:
    config_file = write(tmp_path / "pyproject.toml", "[tool.nbport]\nmin-epochs = 5\n")
    script = write(tmp_path / "a" / "b" / "train.py", FIT)
    config = load_config(script)
    assert config.file == config_file and config.options["min-epochs"] == 5
    assert load_config(tmp_path / "a").file == config_file


def test_pyproject_without_section_is_passed_over(tmp_path: Path) -> None:
    outer = write(tmp_path / "nbport.toml", "min-epochs = 4\n")
    write(tmp_path / "inner" / "pyproject.toml", "[project]\nname = 'x'\n")
    assert load_config(tmp_path / "inner").file == outer


def test_nearest_wins_and_nbport_toml_beats_pyproject(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.nbport]\nmin-epochs = 2\n")
    write(tmp_path / "inner" / "pyproject.toml", "[tool.nbport]\nmin-epochs = 3\n")
    assert load_config(tmp_path / "inner").options["min-epochs"] == 3
    write(tmp_path / "inner" / "nbport.toml", "min-epochs = 4\n")
    assert load_config(tmp_path / "inner").options["min-epochs"] == 4


def test_no_file_gives_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config.file is None
    assert config.rules == rules_for()
    assert set(config.sources.values()) == {DEFAULT}


def test_command_line_wins_over_the_file(tmp_path: Path) -> None:
    write(tmp_path / "nbport.toml", 'select = ["NBP1"]\ntarget = "colab"\n')
    config = load_config(tmp_path, {"select": ["NBP302"], "target": "local", "ignore": None})
    assert [entry.id for entry in config.rules] == ["NBP302"]
    assert config.sources["select"] == COMMAND_LINE
    assert config.sources["target"] == COMMAND_LINE
    assert config.sources["ignore"] == DEFAULT


def test_select_extend_select_and_ignore_from_the_file(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        '[tool.nbport]\nselect = ["NBP1"]\nextend-select = ["shell-cd"]\nignore = ["NBP103"]\n',
    )
    ids = [entry.id for entry in load_config(tmp_path).rules]
    assert ids == ["NBP001", "NBP101", "NBP102", "NBP104", "NBP105", "NBP106"]


def test_thresholds_change_findings(tmp_path: Path) -> None:
    script = write(tmp_path / "train.py", FIT)
    assert rule_ids(check_paths([script])) == []
    write(tmp_path / "pyproject.toml", "[tool.nbport]\nmin-epochs = 5\n")
    report = check_paths([script], config=load_config(script))
    assert rule_ids(report) == [("train.py", "NBP302")]


def test_large_file_mb_reaches_the_rule(tmp_path: Path) -> None:
    with (tmp_path / "x.npy").open("wb") as data:
        data.truncate(3 * 1024 * 1024)  # sparse: no disk space
    script = write(tmp_path / "load.py", "import numpy as np\nx = np.load('x.npy')\n")
    assert rule_ids(check_paths([script])) == []
    write(tmp_path / "nbport.toml", "large-file-mb = 2\n")
    report = check_paths([script], config=load_config(script))
    assert rule_ids(report) == [("load.py", "NBP303")]


def test_check_source_keeps_its_defaults_and_takes_settings() -> None:
    assert check_source(FIT).findings == ()
    flagged = check_source(FIT, settings=RuleSettings({"min-epochs": 5})).findings
    assert [finding.rule for finding in flagged] == ["NBP302"]


def test_per_file_ignores_are_relative_to_the_config_folder(tmp_path: Path) -> None:
    write(tmp_path / "nbport.toml", '[per-file-ignores]\n"legacy/**" = ["NBP1"]\n')
    write(tmp_path / "legacy" / "old.py", WINDOWS)
    write(tmp_path / "new.py", WINDOWS)
    write(tmp_path / "sub" / "legacy" / "other.py", WINDOWS)  # anchored glob: not matched
    report = check_paths([tmp_path], config=load_config(tmp_path))
    assert rule_ids(report) == [("new.py", "NBP101"), ("other.py", "NBP101")]


def test_exclude_prunes_walks_but_not_named_files(tmp_path: Path) -> None:
    write(tmp_path / "nbport.toml", 'exclude = ["scratch/"]\nmin-epochs = 5\n')
    named = write(tmp_path / "scratch" / "t.py", FIT)
    write(tmp_path / "train.py", FIT)
    config = load_config(tmp_path)
    assert rule_ids(check_paths([tmp_path], config=config)) == [("train.py", "NBP302")]
    assert rule_ids(check_paths([named], config=config)) == [("t.py", "NBP302")]


def checked_names(report: object, root: Path) -> list[str]:
    return [file.path.relative_to(root).as_posix() for file in report.files]  # type: ignore[attr-defined]


def test_extend_exclude_adds_to_exclude_and_the_command_line_adds_to_it(tmp_path: Path) -> None:
    write(tmp_path / "nbport.toml", 'exclude = ["a/"]\nextend-exclude = ["b/"]\n')
    for name in ("a", "b", "c", "d", "e"):
        write(tmp_path / name / "x.py", FIT)
    config = load_config(tmp_path)
    assert (config.exclude, config.extend_exclude) == (("a/",), ("b/",))
    assert checked_names(check_paths([tmp_path], config=config), tmp_path) == [
        "c/x.py",
        "d/x.py",
        "e/x.py",
    ]
    # Command line: `exclude` replaces the file's, `extend-exclude` adds to the file's.
    config = load_config(tmp_path, {"exclude": ["c/"], "extend-exclude": ["d/"]})
    assert (config.exclude, config.extend_exclude) == (("c/",), ("b/", "d/"))
    assert config.sources["exclude"] == COMMAND_LINE
    assert config.sources["extend-exclude"].endswith("nbport.toml + command line")
    assert checked_names(check_paths([tmp_path], config=config), tmp_path) == [
        "a/x.py",
        "e/x.py",
    ]


def test_command_line_globs_are_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "nbport.toml", 'extend-exclude = ["/sub/legacy/"]\n')
    write(tmp_path / "sub" / "legacy" / "a.py", FIT)
    write(tmp_path / "sub" / "gen" / "b.py", FIT)
    write(tmp_path / "gen" / "c.py", FIT)
    write(tmp_path / "d.py", FIT)
    monkeypatch.chdir(tmp_path / "sub")
    # `/gen/` from the command line, run in `sub`, is `sub/gen`; the file's glob stays anchored
    # at the file's folder.
    config = load_config(tmp_path, {"extend-exclude": ["/gen/"]})
    assert checked_names(check_paths([tmp_path], config=config), tmp_path) == [
        "d.py",
        "gen/c.py",
    ]
    config = load_config(tmp_path, {"exclude": ["/gen/"]})
    assert checked_names(check_paths([tmp_path], config=config), tmp_path) == [
        "d.py",
        "gen/c.py",
    ]


def test_respect_gitignore_from_the_file_and_the_command_line(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    write(tmp_path / ".gitignore", "scratch/\n")
    write(tmp_path / "scratch" / "a.py", FIT)
    write(tmp_path / "b.py", FIT)
    config = load_config(tmp_path)
    assert config.respect_gitignore is True
    assert checked_names(check_paths([tmp_path], config=config), tmp_path) == ["b.py"]
    write(tmp_path / "nbport.toml", "respect-gitignore = false\n")
    config = load_config(tmp_path)
    assert config.respect_gitignore is False
    assert checked_names(check_paths([tmp_path], config=config), tmp_path) == [
        "b.py",
        "scratch/a.py",
    ]
    config = load_config(tmp_path, {"respect-gitignore": True})
    assert config.sources["respect-gitignore"] == COMMAND_LINE
    assert checked_names(check_paths([tmp_path], config=config), tmp_path) == ["b.py"]


def test_fix_respects_per_file_ignores(tmp_path: Path) -> None:
    write(tmp_path / "nbport.toml", '[per-file-ignores]\n"keep.py" = ["windows-path"]\n')
    keep = write(tmp_path / "keep.py", WINDOWS)
    result = run_nbport("fix", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert keep.read_text(encoding="utf-8") == WINDOWS


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("pyproject.toml", "[tool.nbport]\nmin-epoch = 5\n", "tool.nbport.min-epoch: unknown key"),
        ("nbport.toml", "colour = true\n", "nbport.toml: error: colour: unknown key"),
        ("nbport.toml", 'select = ["NBP999"]\n', "select: no rule matches 'NBP999'"),
        ("nbport.toml", 'extend-select = ["nope"]\n', "extend-select: no rule matches 'NOPE'"),
        ("nbport.toml", 'ignore = "NBP001"\n', "ignore: must be a list of strings"),
        ("nbport.toml", 'min-epochs = "ten"\n', "min-epochs: must be a whole number"),
        ("nbport.toml", "min-epochs = true\n", "min-epochs: must be a whole number"),
        ("nbport.toml", "min-epochs = 0\n", "min-epochs: must be a whole number"),
        ("nbport.toml", "large-file-mb = -1\n", "large-file-mb: must be a positive number"),
        ("nbport.toml", 'target = "mars"\n', "target: must be one of colab, local, both"),
        ("nbport.toml", "exclude = [1]\n", "exclude: must be a list of strings"),
        ("nbport.toml", 'extend-exclude = "x/"\n', "extend-exclude: must be a list of strings"),
        ("nbport.toml", 'respect-gitignore = "no"\n', "respect-gitignore: must be true or false"),
        (
            "pyproject.toml",
            "[tool.nbport]\nrespect-gitignore = 0\n",
            "tool.nbport.respect-gitignore: must be true or false",
        ),
        ("nbport.toml", 'per-file-ignores = ["x"]\n', "per-file-ignores: must be a table"),
        (
            "nbport.toml",
            '[per-file-ignores]\n"a/*" = ["NBP9"]\n',
            'per-file-ignores."a/*": no rule matches',
        ),
        ("pyproject.toml", "tool = 1\n[tool.nbport\n", "pyproject.toml: error: invalid TOML"),
        ("pyproject.toml", "[tool]\nnbport = 3\n", "tool.nbport must be a table"),
    ],
)
def test_config_errors_are_one_line_and_exit_2(
    tmp_path: Path, name: str, text: str, expected: str
) -> None:
    write(tmp_path / name, text)
    write(tmp_path / "train.py", FIT)
    result = run_nbport("check", ".", cwd=tmp_path)
    assert_config_error(result, name, expected)


@pytest.mark.parametrize("command", [("fix",), ("fix", "--diff"), ("config",)])
def test_every_command_reports_config_errors(tmp_path: Path, command: tuple[str, ...]) -> None:
    write(tmp_path / "nbport.toml", "min-epochs = 'ten'\n")
    script = write(tmp_path / "train.py", WINDOWS)
    result = run_nbport(*command, "train.py", cwd=tmp_path)
    assert_config_error(result, "nbport.toml", "min-epochs: must be a whole number")
    assert script.read_text(encoding="utf-8") == WINDOWS


def assert_config_error(result: subprocess.CompletedProcess[str], name: str, expected: str) -> None:
    assert result.returncode == 2
    assert result.stdout == ""
    assert expected in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(name + ": error: ")


def test_rule_options_come_from_the_catalog_and_reach_the_rules(tmp_path: Path) -> None:
    write(tmp_path / "nbport.toml", "large-file-mb = 2.5\n")
    config = load_config(tmp_path)
    assert config.options == {"large-file-mb": 2.5}
    assert config.sources["large-file-mb"].endswith("nbport.toml")
    assert config.sources["min-epochs"] == DEFAULT
    entry = load_catalog()["NBP303"]
    assert config.settings.options(entry) == {"large-file-mb": 2.5}
    assert RuleSettings().options(load_catalog()["NBP302"]) == {
        "min-epochs": 100,
        "min-minutes": 30,
    }
    assert RuleSettings().options(load_catalog()["NBP001"]) == {}


def test_load_config_raises_config_error(tmp_path: Path) -> None:
    write(tmp_path / "nbport.toml", "bogus = 1\n")
    with pytest.raises(ConfigError, match="bogus: unknown key"):
        load_config(tmp_path)


def test_cli_thresholds_and_precedence(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.nbport]\nmin-epochs = 5\nignore = ['NBP302']\n")
    write(tmp_path / "train.py", FIT)
    assert run_nbport("check", ".", cwd=tmp_path).returncode == 0  # the file ignores NBP302
    result = run_nbport("check", "--ignore", "NBP101", ".", cwd=tmp_path)
    assert result.returncode == 1  # --ignore replaces the file's ignore
    assert "train.py:1:1: NBP302 warning: `fit` runs 6 epochs" in result.stdout
    assert run_nbport("check", "--select", "NBP1", ".", cwd=tmp_path).returncode == 0


def test_bad_command_line_code_is_a_usage_error(tmp_path: Path) -> None:
    write(tmp_path / "train.py", FIT)
    result = run_nbport("check", "--select", "NBP999", ".", cwd=tmp_path)
    assert result.returncode == 2 and "NBP999" in result.stderr


def test_config_command_shows_values_and_sources(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.nbport]\nmin-epochs = 5\nexclude = ['scratch/']\n")
    write(tmp_path / "sub" / "x.py", "")
    result = run_nbport("config", "sub", "--target", "local", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "# sub: pyproject.toml"
    by_key = {line.split(" = ")[0]: line for line in lines[1:-1]}
    assert by_key["min-epochs"].endswith("# pyproject.toml") and "= 5 " in by_key["min-epochs"]
    assert by_key["exclude"].startswith('exclude = ["scratch/"]')
    assert by_key["extend-exclude"].startswith("extend-exclude = []")
    assert by_key["extend-exclude"].endswith("# default")
    assert by_key["respect-gitignore"].startswith("respect-gitignore = true ")
    assert by_key["target"].startswith('target = "local"') and by_key["target"].endswith(
        "# command line"
    )
    assert by_key["large-file-mb"].startswith("large-file-mb = 1024 ")
    assert by_key["select"].endswith("# default")
    assert lines[-1] == "# rules: NBP001 NBP002 NBP005 NBP201 NBP401 NBP402"


def test_describe_shows_exclusions_and_their_sources(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.nbport]\nextend-exclude = ['a/']\n")
    config = load_config(
        tmp_path, {"extend-exclude": ["b/"], "respect-gitignore": False, "exclude": None}
    )
    by_key = {line.split(" = ")[0]: line for line in config.describe()[:-1]}
    assert by_key["extend-exclude"].startswith('extend-exclude = ["a/", "b/"] ')
    assert by_key["extend-exclude"].endswith("pyproject.toml + command line")
    assert by_key["respect-gitignore"].startswith("respect-gitignore = false ")
    assert by_key["respect-gitignore"].endswith("# command line")
    assert by_key["exclude"].endswith("# default")


def test_config_command_without_a_file(tmp_path: Path) -> None:
    result = run_nbport("config", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "# .: no configuration file"
    assert "min-epochs = 10" in result.stdout


@pytest.mark.parametrize("command", ["check", "fix"])
def test_the_file_target_reaches_check_and_fix_unless_the_option_says_otherwise(
    tmp_path: Path, command: str
) -> None:
    # `%cd /content` breaks only on the way back (NBP402, target local): the file's target decides.
    (tmp_path / "pyproject.toml").write_text('[tool.nbport]\ntarget = "local"\n', encoding="utf-8")
    (tmp_path / "n.py").write_text("import os\nos.chdir('/content/data')\n", encoding="utf-8")
    result = run_nbport(command, ".", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "NBP402" in result.stdout
    assert run_nbport(command, "--target", "colab", ".", cwd=tmp_path).returncode == 0
