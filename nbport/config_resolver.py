"""Each file's configuration: the nearest configuration file above it, with the command line on top.

As in ruff, the configuration file nearest to a file (its folder's `nbport.toml`, or `pyproject.toml`
with `[tool.nbport]`, else its parent's, and so on up) applies to it whole: a nested file replaces
the one above it for everything in its folder, keys are not merged. The command-line values are
applied on top of each (`nbport.config.effective_config`), so `--ignore X` means the same in every
folder. A walk takes each subtree's `exclude`, `extend-exclude` and `respect-gitignore` from the same
place (the resolver is a `nbport.discovery.WalkSettingsSource`), so `nbport check .` and
`nbport check a/x.ipynb` agree on `a/x.ipynb`.

Lookups are cached per folder: a walk of thousands of files reads each configuration file once and
looks for configuration files once per folder.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from nbport.config import CONFIG_FILES, Config, config_file_in, effective_config
from nbport.discovery import WalkSettings


class ConfigResolver:
    """The effective configuration of any path, found walking up from it and cached per folder.

    Every method may raise `ConfigError` for a broken configuration file on the way; one
    `Config` stands for each configuration file (and one for "none found"), so the files that
    share a configuration share its selected rules and compiled globs.
    """

    #: The names of the files a folder's configuration is read from (for the walk).
    file_names = CONFIG_FILES

    def __init__(self, command_line: Mapping[str, Any] | None = None) -> None:
        """`command_line`: the option values that override each file's (see `load_config`)."""
        self._command_line = dict(command_line or {})
        #: Folder → the configuration its own file sets, or None when it holds none.
        self._set_in: dict[Path, Config | None] = {}
        #: Folder → the configuration in force there.
        self._nearest: dict[Path, Config] = {}
        self._without_file: Config | None = None

    def for_path(self, path: Path) -> Config:
        """The configuration of `path`, a file or a folder (the one `load_config(path)` gives)."""
        absolute = Path(os.path.abspath(path))
        # os.path.isdir: Path.is_dir raises when a folder above may not be searched.
        return self.for_folder(absolute if os.path.isdir(absolute) else absolute.parent)

    def for_folder(self, folder: Path) -> Config:
        """The configuration in force in `folder`: its own file's, else the nearest one above."""
        folder = Path(os.path.abspath(folder))
        looked_at: list[Path] = []  # the folders this lookup learns the answer for
        found: Config | None = None
        for candidate in (folder, *folder.parents):
            found = self._nearest.get(candidate)
            if found is not None:
                break
            looked_at.append(candidate)
            found = self.set_in(candidate)
            if found is not None:
                break
        if found is None:
            found = self._no_file()
        for candidate in looked_at:
            self._nearest[candidate] = found
        return found

    def set_in(self, folder: Path) -> Config | None:
        """The configuration `folder`'s own configuration file sets; None when it holds none."""
        folder = Path(os.path.abspath(folder))
        if folder not in self._set_in:
            found = config_file_in(folder)
            self._set_in[folder] = (
                None if found is None else effective_config(found, self._command_line)
            )
        return self._set_in[folder]

    # -- as the walk's source of settings (nbport.discovery.WalkSettingsSource)

    def settings_for(self, folder: Path) -> WalkSettings:
        """The exclusions and `respect-gitignore` in force in `folder`."""
        return walk_settings(self.for_folder(folder))

    def settings_set_in(self, folder: Path) -> WalkSettings | None:
        """The exclusions and `respect-gitignore` that `folder`'s configuration file sets."""
        config = self.set_in(folder)
        return None if config is None else walk_settings(config)

    def _no_file(self) -> Config:
        if self._without_file is None:
            self._without_file = effective_config(None, self._command_line)
        return self._without_file


def walk_settings(config: Config) -> WalkSettings:
    """What a walk leaves out of the folders `config` governs."""
    return WalkSettings(config.exclusions, config.respect_gitignore)


__all__ = ["ConfigResolver", "walk_settings"]
