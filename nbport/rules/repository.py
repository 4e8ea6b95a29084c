"""The notebook's own repository as rules see it: its modules and data files, found by `stat`.

Colab opens a notebook alone, without the folder it sits in. `Repository` answers "is this import
or this relative path a file of the notebook's repository?" by looking only at the paths the
notebook names (a few `stat` calls per import or path, never a listing, never a read), and keeps
every path it looked at in `looked_at`, in order: a cache of results must key on those files' state
as well as on the notebook's text. Where the notebook lives on GitHub is asked of git
(`nbport.git_checkout`), only when a finding is reported.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

from nbport.colab import ColabUrlError
from nbport.git_checkout import GitRepositories
from nbport.rules.calls import call_arguments

#: How far above the notebook an import may find its module when no `.git` marks the root:
#: `sys.path.append('../..')` is about as far as notebooks reach.
_LEVELS = 2


class Repository:
    """The folders around one document (`path`), and the files of them a rule looked at."""

    def __init__(self, path: Path) -> None:
        self.folder = path.absolute().parent
        #: Every path whose existence was asked, in order (the inputs of the rule's answer).
        self.looked_at: list[Path] = []
        #: Folders the document puts on `sys.path` (`sys.path.append('../lib')`), absolute.
        self.import_folders: list[Path] = []
        self._root: Path | bool | None = False  # False: not looked for yet

    def _exists(self, path: Path, *, folder: bool = False) -> bool:
        self.looked_at.append(path)
        try:
            return path.is_dir() if folder else path.exists()
        except (OSError, ValueError):  # a name too long, a NUL
            return False

    @property
    def root(self) -> Path | None:
        """The nearest folder at or above the document's holding `.git`; None if there is none."""
        if self._root is False:
            above = (self.folder, *self.folder.parents)
            self._root = next((p for p in above if self._exists(p / ".git")), None)
        return self._root if isinstance(self._root, Path) else None

    def add_import_folder(self, written: str) -> None:
        """A folder the document puts on `sys.path`, as written (relative to the document)."""
        self.import_folders.append(self.folder / written)

    def own_module(self, top: str, *, above: bool = False) -> Path | None:
        """The module file or package of the repository that `import top` finds: beside the
        document or in a folder it puts on `sys.path`; with `above`, also in the folders above
        it, up to the root (for a rule that would rather miss a finding than make a wrong one:
        `sys.path` may be set in ways the rule cannot read)."""
        folders = [self.folder, *self.import_folders]
        if above:
            parents = list(self.folder.parents)
            root = self.root
            if root is not None and root in parents:
                parents = parents[: parents.index(root) + 1]
            folders += parents[:_LEVELS]
        for folder in folders:
            if self._exists(folder / f"{top}.py"):
                return folder / f"{top}.py"
            if self._exists(folder / top, folder=True):  # a package, or a namespace package
                return folder / top
        return None

    def data_file(self, written: str) -> Path | None:
        """The file or folder a relative path names, from the document's folder; None if none."""
        if not written or written.startswith(("/", "~", "\\")) or "://" in written:
            return None
        candidate = self.folder / written.replace("\\", "/")
        return candidate if self._exists(candidate) else None

    def clone_hint(self) -> str:
        """How to fetch the repository on Colab: `!git clone URL` and `%cd` into the document's
        folder, with the URL of the clone's remote where git knows it."""
        try:
            checkout = GitRepositories().checkout(self.folder)
        except (ColabUrlError, OSError, ValueError):
            return "clone its repository first (`!git clone <its URL>`, then `%cd` into it)"
        inside = Path(os.path.realpath(self.folder)).relative_to(checkout.root)
        folder = Path(checkout.repo, inside).as_posix()
        url = f"https://github.com/{checkout.owner}/{checkout.repo}"
        return f"clone its repository first: `!git clone {url}` and `%cd {folder}`"


def opens_to_read(node: ast.Call) -> bool:
    """Whether `open(path, mode)` only reads: no mode, or a literal mode without `w`, `a`, `x`, `+`."""
    arguments = call_arguments(node)
    mode = next((a.value for a in arguments[1:2] if a.keyword is None), None)
    mode = next((a.value for a in arguments if a.keyword == "mode"), mode)
    if mode is None:
        return True
    return (
        isinstance(mode, ast.Constant)
        and isinstance(mode.value, str)
        and not set("wax+") & set(mode.value)
    )
