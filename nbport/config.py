"""Project configuration: `[tool.nbport]` in `pyproject.toml`, or `nbport.toml`, and the command line.

The file is found by walking up from the checked path: the first folder holding either file wins,
`nbport.toml` before `pyproject.toml`, and a `pyproject.toml` without a `[tool.nbport]` table is
passed over. (`nbport.config_resolver` does this for every file and folder of a run, cached.) A command-line option replaces the file's value for the same key, except
`extend-exclude`, whose command-line globs are added to the file's. Every key, type and rule code is
checked when the file is read; a mistake is a `ConfigError` naming the file and the key, never
ignored, so a typo cannot turn a check off without anyone noticing. Besides its own keys (`KEYS`),
a configuration sets the rules' options (`min-epochs = 5`): each rule's catalog entry declares
them, with their type, bounds and default (`nbport.catalog.RuleOption`), and they are checked
against that declaration.

Globs are in gitignore syntax. Those of the file (`exclude`, `extend-exclude`, `per-file-ignores`)
are relative to the file's folder; those of the command line (`exclude`, `extend-exclude`) to the
working directory, as in ruff, so `--exclude legacy/` means the `legacy` folder the user sees.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nbport.catalog import CatalogEntry, RuleOption, load_catalog, rule_options
from nbport.finding import Severity
from nbport.selection import TARGET_CHOICES, SelectionError, select_rules, split_codes
from nbport.settings import DEFAULT_RUNTIME, RuleSettings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

if TYPE_CHECKING:
    from pathspec import PathSpec

    from nbport.discovery import Globs

#: The files looked for in each folder, in order of preference.
CONFIG_FILES = ("nbport.toml", "pyproject.toml")
#: Where a value came from when neither the file nor the command line set it.
DEFAULT = "default"
COMMAND_LINE = "command line"
#: The configuration's own keys, in the order `nbport config` shows them; the rules' options
#: (`min-epochs`), declared in their catalog entries, follow them (`known_keys`).
#: `severity`: the least severity a run reports, most severe first.
SEVERITY_CHOICES = tuple(severity.value for severity in Severity)

KEYS = (
    "select",
    "extend-select",
    "ignore",
    "per-file-ignores",
    "target",
    "severity",
    "colab-runtime",
    "exclude",
    "extend-exclude",
    "respect-gitignore",
)
_CODE_LISTS = ("select", "extend-select", "ignore")


class ConfigError(Exception):
    """A configuration file nbport cannot use; the message is one line naming the file and key."""


@dataclass(frozen=True)
class ConfigFile:
    """The checked values of one configuration file, by key as written in it."""

    path: Path
    values: Mapping[str, Any]


@dataclass(frozen=True)
class Config:
    """The effective configuration: defaults, then the file, then the command line.

    Globs (`exclude`, `extend-exclude`, `per-file-ignores`) are relative to the folder of the file
    (`root`), matched the way `.gitignore` lines are (pathspec): `legacy/` or `*.py` match at any
    depth, `tests/**` from the root. Command-line globs are relative to `working_directory`.
    """

    #: None: every rule of the target.
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    target: str = "colab"
    #: The least severity reported: `warning` (every finding) or `error` (only code that fails).
    severity: str = SEVERITY_CHOICES[-1]
    #: The Colab runtime the rules judge against: `latest`, or a past one a notebook can pin.
    colab_runtime: str = DEFAULT_RUNTIME
    exclude: tuple[str, ...] = ()
    #: The file's `extend-exclude`, then the command line's.
    extend_exclude: tuple[str, ...] = ()
    #: How many of the last `extend_exclude` globs came from the command line.
    command_line_extend_excludes: int = 0
    #: Whether walks leave out what `.gitignore` files ignore.
    respect_gitignore: bool = True
    #: The folder command-line globs are relative to: the working directory of `load_config`.
    working_directory: Path | None = None
    #: The rules' options the file or the command line set (`{"min-epochs": 5}`); the others keep
    #: their catalog defaults.
    options: Mapping[str, Any] = field(default_factory=dict)
    #: The configuration file used, if any.
    file: Path | None = None
    #: Key → `DEFAULT`, the file's path, or `COMMAND_LINE`.
    sources: Mapping[str, str] = field(default_factory=dict)

    @property
    def root(self) -> Path | None:
        """The folder globs are relative to: the configuration file's."""
        return self.file.parent if self.file is not None else None

    @property
    def settings(self) -> RuleSettings:
        """The rules' options, as the engine hands them to the rules."""
        return RuleSettings(self.options, colab_runtime=self.colab_runtime)

    @cached_property
    def rules(self) -> tuple[CatalogEntry, ...]:
        """The rules that run, before per-file ignores.

        Raises `SelectionError` for a code that matches nothing (only command-line codes can: the
        file's are checked when it is read).
        """
        catalog = load_catalog()
        chosen = select_rules(catalog, self.select or (), self.ignore, self.target)
        if self.extend_select:
            extra = select_rules(catalog, self.extend_select, self.ignore, self.target)
            chosen = tuple(sorted({*chosen, *extra}, key=lambda entry: entry.id))
        if self.severity == Severity.ERROR.value:
            errors = tuple(entry for entry in chosen if entry.severity is Severity.ERROR)
            if chosen and not errors:
                # Never an "All checks passed" for a run that checked nothing.
                verb = "reports" if len(chosen) == 1 else "report"
                raise SelectionError(
                    f"no rule runs: {', '.join(entry.id for entry in chosen)} {verb} warnings,"
                    " and severity is error (use --severity warning)"
                )
            chosen = errors
        return chosen

    def rules_for(self, path: Path) -> tuple[CatalogEntry, ...]:
        """The rules that run on `path`: `rules` less the `per-file-ignores` its path matches."""
        ignored = self._ignored_ids(path)
        if not ignored:
            return self.rules
        return tuple(entry for entry in self.rules if entry.id not in ignored)

    @property
    def exclusions(self) -> tuple[Globs, ...]:
        """`exclude` and `extend-exclude`, each glob with the folder it is relative to, for
        `nbport.discovery.discover` (which keeps files named on the command line)."""
        from nbport.discovery import Globs

        file_folder = self.root or Path(".")
        command_line_folder = self.working_directory or Path(".")
        from_file = len(self.extend_exclude) - self.command_line_extend_excludes
        exclude_folder = (
            command_line_folder if self.sources.get("exclude") == COMMAND_LINE else file_folder
        )
        candidates = (
            Globs(exclude_folder, self.exclude),
            Globs(file_folder, self.extend_exclude[:from_file]),
            Globs(command_line_folder, self.extend_exclude[from_file:]),
        )
        return tuple(globs for globs in candidates if globs.patterns)

    def describe(self) -> list[str]:
        """`nbport config`: each key as TOML, with where its value came from, then the rules."""
        values: dict[str, Any] = {
            # `ALL` keeps to the target's rules, exactly what no `select` means.
            "select": list(self.select) if self.select is not None else ["ALL"],
            "extend-select": list(self.extend_select),
            "ignore": list(self.ignore),
            "per-file-ignores": dict(self.per_file_ignores),
            "target": self.target,
            "severity": self.severity,
            "colab-runtime": self.colab_runtime,
            "exclude": list(self.exclude),
            "extend-exclude": list(self.extend_exclude),
            "respect-gitignore": self.respect_gitignore,
        }
        for name, option in _options().items():
            values[name] = self.options.get(name, option.default)
        shown = {key: f"{key} = {_toml(value)}" for key, value in values.items()}
        width = max(len(text) for text in shown.values())
        lines = [f"{shown[key]:<{width}}  # {self.sources.get(key, DEFAULT)}" for key in values]
        lines.append(f"# rules: {' '.join(entry.id for entry in self.rules) or '(none)'}")
        return lines

    # -- matching

    def _relative(self, path: Path) -> str | None:
        """`path` relative to the root, with `/`; None when it is not under the root."""
        root = self.root
        if root is None:
            return None
        try:
            return Path(os.path.abspath(path)).relative_to(os.path.abspath(root)).as_posix()
        except ValueError:
            pass
        try:  # reached through a symbolic link: compare the real locations
            return path.resolve().relative_to(root.resolve()).as_posix()
        except (OSError, ValueError):
            return None

    @cached_property
    def _per_file_specs(self) -> tuple[tuple[PathSpec, frozenset[str]], ...]:
        catalog = load_catalog()
        return tuple(
            (
                _spec([pattern]),
                frozenset(entry.id for entry in select_rules(catalog, codes, (), "both")),
            )
            for pattern, codes in self.per_file_ignores
        )

    def _ignored_ids(self, path: Path) -> frozenset[str]:
        if not self.per_file_ignores:
            return frozenset()
        relative = self._relative(path)
        if relative is None:
            return frozenset()
        ignored: set[str] = set()
        for spec, ids in self._per_file_specs:
            if spec.match_file(relative):
                ignored |= ids
        return frozenset(ignored)


def find_config_file(start: Path) -> ConfigFile | None:
    """The configuration for `start` (a file or folder): the nearest folder, walking up, with an
    `nbport.toml` or a `pyproject.toml` holding `[tool.nbport]`. Raises `ConfigError`."""
    absolute = Path(os.path.abspath(start))
    # os.path.isdir, not Path.is_dir: the latter raises when a folder above may not be searched.
    folder = absolute if os.path.isdir(absolute) else absolute.parent
    for candidate_folder in (folder, *folder.parents):
        found = config_file_in(candidate_folder)
        if found is not None:
            return found
    return None


def config_file_in(folder: Path) -> ConfigFile | None:
    """The configuration file in `folder` itself: its `nbport.toml`, else its `pyproject.toml` if
    that holds `[tool.nbport]`, else None. Raises `ConfigError` when the file is broken."""
    for name in CONFIG_FILES:
        candidate = folder / name
        # A folder nbport may not search (chmod 000) shows no file: nothing in it can be checked
        # either, and its files get their own "cannot read" error. Path.is_file would raise.
        if os.path.isfile(candidate):
            found = read_config_file(candidate)
            if found is not None:
                return found
    return None


def read_config_file(path: Path) -> ConfigFile | None:
    """Read and check one file; None for a `pyproject.toml` with no `[tool.nbport]` table.

    Raises `ConfigError` on unreadable TOML, an unknown key, a wrong type or an unknown rule code.
    """
    shown = display_path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{shown}: error: cannot read it: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{shown}: error: invalid TOML: {error}") from None
    prefix = ""
    if path.name == "pyproject.toml":
        tool = data.get("tool")
        if not isinstance(tool, dict) or "nbport" not in tool:
            return None
        data, prefix = tool["nbport"], "tool.nbport."
        if not isinstance(data, dict):
            raise ConfigError(f"{shown}: error: tool.nbport must be a table")
    values = {key: _checked(shown, prefix, key, value) for key, value in data.items()}
    return ConfigFile(path, values)


def load_config(start: Path, command_line: Mapping[str, Any] | None = None) -> Config:
    """The effective configuration for `start`: defaults, the file found from it, then the
    `command_line` values (keys as in the file; None or absent: not given). Raises `ConfigError`.

    Command-line `exclude` (replaces the file's) and `extend-exclude` (added to the file's) are
    lists of globs relative to the working directory; `respect-gitignore` is a bool.
    """
    return effective_config(find_config_file(start), command_line)


def effective_config(
    found: ConfigFile | None, command_line: Mapping[str, Any] | None = None
) -> Config:
    """The defaults, then the values of `found` (if any), then those of `command_line` (as for
    `load_config`)."""
    values: dict[str, Any] = {}
    keys = known_keys()
    sources = dict.fromkeys(keys, DEFAULT)
    if found is not None:
        values.update(found.values)
        sources.update(dict.fromkeys(found.values, display_path(found.path)))
    command_line_extend_excludes = 0
    for key, value in (command_line or {}).items():
        if key not in keys:
            raise ValueError(f"unknown configuration key {key!r}")
        if value is None:
            continue
        if key in ("exclude", "extend-exclude") and isinstance(value, str):
            value = (value,)  # one glob, not its characters
        if key in _CODE_LISTS:
            values[key] = tuple(split_codes(value))
        elif key == "extend-exclude":  # added to the file's, not instead of them
            if not value:
                continue
            values[key] = (*values.get(key, ()), *value)
            command_line_extend_excludes = len(value)
            if found is not None and found.values.get(key):
                sources[key] = f"{display_path(found.path)} + {COMMAND_LINE}"
                continue
        elif key == "exclude":
            values[key] = tuple(value)
        elif key == "colab-runtime":
            problem = _runtime_problem(value)
            if problem is not None:
                raise ConfigError(f"nbport: error: --colab-runtime: {problem}")
            values[key] = value
        else:
            values[key] = value
        sources[key] = COMMAND_LINE
    return Config(
        select=values.get("select"),
        extend_select=values.get("extend-select", ()),
        ignore=values.get("ignore", ()),
        per_file_ignores=values.get("per-file-ignores", ()),
        target=str(values.get("target", "colab")).lower(),
        severity=str(values.get("severity", SEVERITY_CHOICES[-1])).lower(),
        colab_runtime=values.get("colab-runtime", DEFAULT_RUNTIME),
        exclude=values.get("exclude", ()),
        extend_exclude=values.get("extend-exclude", ()),
        command_line_extend_excludes=command_line_extend_excludes,
        respect_gitignore=bool(values.get("respect-gitignore", True)),
        working_directory=Path.cwd(),
        options={name: values[name] for name in _options() if name in values},
        file=found.path if found is not None else None,
        sources=sources,
    )


def display_path(path: Path) -> str:
    """`path` relative to the working directory when it is under it, else absolute."""
    absolute = Path(os.path.abspath(path))
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(absolute)


def known_keys() -> tuple[str, ...]:
    """Every key a configuration may set: its own (`KEYS`), then the rules' options."""
    return (*KEYS, *_options())


def _options() -> dict[str, RuleOption]:
    """The rules' options by name, from the catalog (which checks that no two rules share one)."""
    return {name: option for name, (_, option) in rule_options(load_catalog()).items()}


# -- checking the file's values


def _checked(shown: str, prefix: str, key: str, value: object) -> Any:
    """The value of `key`, normalised; `ConfigError` naming the file and key if it is wrong."""
    where = f"{shown}: error: {prefix}{key}"
    option = _options().get(key)
    if option is not None:
        problem = option.problem(value)
        if problem is not None:
            raise ConfigError(f"{where}: {problem}")
        return value
    if key not in KEYS:
        raise ConfigError(f"{where}: unknown key (known: {', '.join(known_keys())})")
    if key in _CODE_LISTS:
        return _codes(where, _strings(where, value))
    if key in ("exclude", "extend-exclude"):
        return _strings(where, value)
    if key == "colab-runtime":
        problem = _runtime_problem(value)
        if problem is not None:
            raise ConfigError(f"{where}: {problem}")
        return value
    if key == "severity":
        if not isinstance(value, str) or value.lower() not in SEVERITY_CHOICES:
            raise ConfigError(f"{where}: must be one of {', '.join(SEVERITY_CHOICES)}")
        return value.lower()
    if key == "respect-gitignore":
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: must be true or false")
        return value
    if key == "per-file-ignores":
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: must be a table of glob = [rule codes]")
        return tuple(
            (
                pattern,
                _codes(f"{where}.{_toml(pattern)}", _strings(f"{where}.{_toml(pattern)}", codes)),
            )
            for pattern, codes in value.items()
        )
    # target
    if not isinstance(value, str) or value.lower() not in TARGET_CHOICES:
        raise ConfigError(f"{where}: must be one of {', '.join(TARGET_CHOICES)}")
    return value.lower()


def _runtime_problem(value: object) -> str | None:
    """What is wrong with a `colab-runtime` value, or None. `latest` needs no table: only a run
    that pins a past runtime reads the runtime table to check it."""
    if value == DEFAULT_RUNTIME:
        return None
    from nbport.runtime import runtime_names

    known = runtime_names()
    if not isinstance(value, str) or value not in known:
        return f"must be one of {', '.join(known)}"
    return None


def _strings(where: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where}: must be a list of strings")
    return tuple(value)


def _codes(where: str, codes: Iterable[str]) -> tuple[str, ...]:
    """The codes, upper-cased; each must name a rule, a prefix or `ALL`."""
    normalised = tuple(split_codes(codes))
    try:
        select_rules(load_catalog(), normalised, (), "both")
    except SelectionError as error:
        raise ConfigError(f"{where}: {error}") from None
    return normalised


def _spec(patterns: Iterable[str]) -> PathSpec:
    # Imported here: only runs with `exclude` or `per-file-ignores` pay for it.
    from pathspec import GitIgnoreSpec

    return GitIgnoreSpec.from_lines(list(patterns))


def _toml(value: object) -> str:
    """`value` as TOML writes it (strings, numbers, lists of strings, a table of those)."""
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml(k)} = {_toml(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot show {type(value).__name__} as TOML")


__all__ = [
    "COMMAND_LINE",
    "CONFIG_FILES",
    "DEFAULT",
    "KEYS",
    "Config",
    "ConfigError",
    "ConfigFile",
    "config_file_in",
    "display_path",
    "effective_config",
    "find_config_file",
    "known_keys",
    "load_config",
    "read_config_file",
]
