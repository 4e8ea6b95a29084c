"""Nested configuration: in a walk, each file and folder gets its nearest configuration file, with
the command line on top, exactly as when the file is named."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import BAD_NOTEBOOK, REPOSITORY
from conftest import run_nbport as run_in_repository

import nbport.config
from nbport.api import check_paths, fix_paths
from nbport.config import ConfigError, load_config
from nbport.config_resolver import ConfigResolver

#: NBP101 (a Windows path) on line 1; NBP302 (6 epochs of images from a folder, no checkpoint) when
#: min-epochs <= 6.
SCRIPT = "p = 'data\\\\x.csv'\nmodel.fit(image_dataset_from_directory('d'), epochs=6)\n"


def write(path: Path, text: str = SCRIPT) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run_nbport(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_in_repository(*args, cwd=cwd, env={"PYTHONPATH": str(REPOSITORY)})


def found(result: subprocess.CompletedProcess[str]) -> list[str]:
    """`path rule` of each finding line, in output order."""
    return [
        f"{line.split(':', 1)[0]} {line.split(': ', 1)[1].split()[0]}"
        for line in result.stdout.splitlines()
        if line.count(":") >= 3 and ": NBP" in line
    ]


def test_a_nested_config_applies_in_a_walk_as_when_the_file_is_named(tmp_path: Path) -> None:
    write(tmp_path / "a" / "pyproject.toml", '[tool.nbport]\nignore = ["NBP101"]\n')
    write(tmp_path / "a" / "x.py")
    write(tmp_path / "b" / "y.py")
    walked = run_nbport("check", ".", cwd=tmp_path)
    named = run_nbport("check", "a/x.py", "b/y.py", cwd=tmp_path)
    assert found(walked) == found(named) == ["b/y.py NBP101"]
    assert walked.returncode == named.returncode == 1


def test_every_file_gets_its_nearest_config_with_the_command_line_on_top(tmp_path: Path) -> None:
    write(tmp_path / "nbport.toml", 'ignore = ["NBP101"]\nmin-epochs = 5\n')
    write(tmp_path / "top.py")
    # A nested file applies whole: its folder does not inherit the outer ignore or min-epochs.
    write(tmp_path / "a" / "pyproject.toml", "[tool.nbport]\nmin-epochs = 20\n")
    write(tmp_path / "a" / "x.py")
    write(tmp_path / "a" / "deeper" / "y.py")
    # A pyproject.toml without [tool.nbport] does not count: the one above applies.
    write(tmp_path / "a" / "b" / "pyproject.toml", "[project]\nname = 'b'\n")
    write(tmp_path / "a" / "b" / "z.py")
    assert found(run_nbport("check", ".", cwd=tmp_path)) == [
        "a/b/z.py NBP101",
        "a/deeper/y.py NBP101",
        "a/x.py NBP101",
        "top.py NBP302",
    ]
    # `--ignore` replaces `ignore` in every configuration; each keeps its own min-epochs.
    assert found(run_nbport("check", "--ignore", "NBP101", ".", cwd=tmp_path)) == ["top.py NBP302"]
    assert found(run_nbport("check", "--ignore", "NBP302", ".", cwd=tmp_path)) == [
        "a/b/z.py NBP101",
        "a/deeper/y.py NBP101",
        "a/x.py NBP101",
        "top.py NBP101",
    ]


def test_fix_uses_each_files_nearest_config(tmp_path: Path) -> None:
    write(tmp_path / "a" / "nbport.toml", 'ignore = ["NBP001"]\n')
    kept = write(tmp_path / "a" / "n.ipynb", BAD_NOTEBOOK)
    fixed = write(tmp_path / "n.ipynb", BAD_NOTEBOOK)
    report = fix_paths([tmp_path], config=ConfigResolver())
    assert [finding.path for finding in report.fixed] == [fixed]
    assert kept.read_text(encoding="utf-8") == BAD_NOTEBOOK
    assert "%cd data" in fixed.read_text(encoding="utf-8")


def test_a_nested_configs_exclusions_apply_to_its_own_subtree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "nbport.toml", 'exclude = ["generated/"]\n')
    write(tmp_path / "generated" / "g.py")
    write(tmp_path / "scratch" / "s.py")
    write(tmp_path / "a" / "nbport.toml", 'extend-exclude = ["scratch/"]\n')
    write(tmp_path / "a" / "scratch" / "s.py")
    # The nested configuration replaces the outer one inside `a`: its `exclude` no longer applies.
    write(tmp_path / "a" / "generated" / "g.py")
    write(tmp_path / "a" / "x.py")
    report = check_paths([tmp_path], config=ConfigResolver())
    checked = [file.path.relative_to(tmp_path).as_posix() for file in report.files]
    assert checked == ["a/generated/g.py", "a/x.py", "scratch/s.py"]
    # Command-line globs (relative to the working directory) apply on top of each configuration.
    monkeypatch.chdir(tmp_path)
    resolver = ConfigResolver({"extend-exclude": ("a/x.py", "generated/")})
    report = check_paths([Path(".")], config=resolver)
    assert [file.path.as_posix() for file in report.files] == ["scratch/s.py"]


def test_a_nested_respect_gitignore_applies_to_its_own_subtree(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, capture_output=True)
    write(tmp_path / ".gitignore", "*_out.py\n")
    write(tmp_path / "top_out.py")
    write(tmp_path / "off" / "nbport.toml", "respect-gitignore = false\n")
    write(tmp_path / "off" / "x_out.py")
    # Turned back on below: the .gitignore files above count again, as git reads them.
    write(tmp_path / "off" / "on" / "nbport.toml", "respect-gitignore = true\n")
    write(tmp_path / "off" / "on" / "y_out.py")
    write(tmp_path / "off" / "on" / "z.py")
    result = run_nbport("check", "--select", "NBP101", ".", cwd=tmp_path)
    assert found(result) == ["off/on/z.py NBP101", "off/x_out.py NBP101"]
    # --no-respect-gitignore applies on top of every configuration.
    result = run_nbport("check", "--select", "NBP101", "--no-respect-gitignore", ".", cwd=tmp_path)
    assert found(result) == [
        "off/on/y_out.py NBP101",
        "off/on/z.py NBP101",
        "off/x_out.py NBP101",
        "top_out.py NBP101",
    ]


def test_turning_respect_gitignore_back_on_brings_back_the_gitignores_above(
    tmp_path: Path,
) -> None:
    # Outside a repository: the walked tree's own .gitignore files, including those of the
    # folders where it was off.
    write(tmp_path / ".gitignore", "*_out.py\n")
    write(tmp_path / "off" / "nbport.toml", "respect-gitignore = false\n")
    write(tmp_path / "off" / ".gitignore", "skip_*.py\n")
    write(tmp_path / "off" / "skip_x.py")
    write(tmp_path / "off" / "mid" / "x_out.py")
    write(tmp_path / "off" / "mid" / "on" / "nbport.toml", "respect-gitignore = true\n")
    write(tmp_path / "off" / "mid" / "on" / "y_out.py")
    write(tmp_path / "off" / "mid" / "on" / "skip_y.py")
    write(tmp_path / "off" / "mid" / "on" / "z.py")
    report = check_paths([tmp_path], config=ConfigResolver())
    checked = [file.path.relative_to(tmp_path).as_posix() for file in report.files]
    assert checked == ["off/mid/on/z.py", "off/mid/x_out.py", "off/skip_x.py"]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_output_stays_sorted_by_path_across_configurations(tmp_path: Path, jobs: str) -> None:
    # Enough files for two worker processes (nbport.file_pool.MIN_FILES_PER_JOB), in folders
    # whose configurations alternate with the path order.
    for folder in ("a", "b", "c", "d"):
        for number in range(10):
            write(tmp_path / folder / f"f{number}.py")
    write(tmp_path / "b" / "nbport.toml", 'ignore = ["NBP302"]\n')
    write(tmp_path / "d" / "nbport.toml", "min-epochs = 6\n")
    result = run_nbport("check", "--jobs", jobs, "c", "b", "a/f3.py", "d", "a", cwd=tmp_path)
    paths = [line.split(":", 1)[0] for line in result.stdout.splitlines() if ": NBP" in line]
    assert paths == sorted(paths, key=lambda path: Path(path).parts)
    assert sorted(set(paths)) == sorted(f"{folder}/f{n}.py" for folder in "abcd" for n in range(10))
    assert found(result).count("d/f0.py NBP302") == 1
    assert "b/f0.py NBP302" not in found(result) and "a/f0.py NBP302" not in found(result)


def test_config_lookups_are_cached_per_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "pyproject.toml", "[tool.nbport]\nmin-epochs = 5\n")
    write(tmp_path / "a" / "nbport.toml", 'ignore = ["NBP101"]\n')
    for folder in ("", "a", "a/b", "c"):
        for number in range(30):
            write(tmp_path / folder / f"f{number}.py")
    reads: list[Path] = []
    looks: list[Path] = []
    read_config_file, config_file_in = nbport.config.read_config_file, nbport.config.config_file_in

    def counted_read(path: Path) -> object:
        reads.append(path)
        return read_config_file(path)

    def counted_look(folder: Path) -> object:
        looks.append(folder)
        return config_file_in(folder)

    monkeypatch.setattr(nbport.config, "read_config_file", counted_read)
    monkeypatch.setattr("nbport.config_resolver.config_file_in", counted_look)
    report = check_paths([tmp_path], config=ConfigResolver())
    assert len(report.files) == 120 and report.errors == []
    assert sorted(reads) == [tmp_path / "a" / "nbport.toml", tmp_path / "pyproject.toml"]
    assert len(looks) == len(set(looks))  # each folder looked at once
    assert {tmp_path / "a" / "b", tmp_path / "c"} <= set(looks)


def test_a_broken_nested_config_stops_the_run_before_anything_is_written(tmp_path: Path) -> None:
    write(tmp_path / "nbport.toml", 'ignore = ["NBP302"]\n')
    top = write(tmp_path / "top.py")
    write(tmp_path / "sub" / "deeper" / "pyproject.toml", "[tool.nbport]\nmin-epoch = 5\n")
    below = write(tmp_path / "sub" / "deeper" / "x.py")
    for command in ("check", "fix"):
        result = run_nbport(command, ".", cwd=tmp_path)
        assert result.returncode == 2
        assert result.stdout == ""
        assert result.stderr.splitlines() == [
            "sub/deeper/pyproject.toml: error: tool.nbport.min-epoch: unknown key (known: select,"
            " extend-select, ignore, per-file-ignores, target, severity, colab-runtime, exclude, extend-exclude,"
            " respect-gitignore, min-epochs, min-minutes, large-file-mb)"
        ]
    assert top.read_text(encoding="utf-8") == below.read_text(encoding="utf-8") == SCRIPT
    with pytest.raises(ConfigError, match="min-epoch: unknown key"):
        check_paths([tmp_path], config=ConfigResolver())


def test_the_config_command_shows_a_nested_files_configuration(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.nbport]\nmin-epochs = 5\n")
    write(tmp_path / "a" / "pyproject.toml", '[tool.nbport]\nignore = ["NBP101"]\n')
    script = write(tmp_path / "a" / "x.py")
    result = run_nbport("config", "a/x.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "# a/x.py: a/pyproject.toml"
    assert 'ignore = ["NBP101"]' in result.stdout and "min-epochs = 100 " in result.stdout
    resolver = ConfigResolver()
    assert resolver.for_path(script) is resolver.for_path(tmp_path / "a")
    assert resolver.for_path(script).file == load_config(script).file
