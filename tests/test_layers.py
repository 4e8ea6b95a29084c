"""The package's shape, measured from its imports: data flows one way, and modules stay small.

`../shared/DESIGN.md` stacks the layers: faces (the CLI) over the library face (`api`) over the run
(discovery, configuration, the file pool) over the fix loop over the engine over the rules over
values and data (findings, results, documents, escapes, the catalog). A module may import from its
own layer or the layers below it, never from one above. Reporters take result values only, so they
import nothing but values. Imports under `if TYPE_CHECKING:` count: a type is a dependency too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import REPOSITORY

PACKAGE = REPOSITORY / "nbport"
#: Layers from the top; a module is in the first layer one of whose prefixes it starts with.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    (
        "faces",
        (
            "nbport.cli",
            "nbport.cli_options",
            "nbport.cli_config",
            "nbport.cli_output",
            "nbport.terminal",
            "nbport.__main__",
            "nbport.extension",
        ),
    ),
    ("library face", ("nbport.api",)),
    ("reporters", ("nbport.report",)),
    (
        "run",
        (
            "nbport.run",
            "nbport.discovery",
            "nbport.config",
            "nbport.config_resolver",
            "nbport.file_pool",
            "nbport.atomic_write",
            "nbport.badge",
            "nbport.convert",
            "nbport.url_targets",
            "nbport.cache",
        ),
    ),
    ("fix loop", ("nbport.fix_loop",)),
    ("engine", ("nbport.engine", "nbport.walk")),
    ("rules", ("nbport.rules",)),
    (
        "values and data",
        (
            "nbport.finding",
            "nbport.results",
            "nbport.settings",
            "nbport.positions",
            "nbport.edits",
            "nbport.documents",
            "nbport.escapes",
            # What a document's suppression comments say: read like escapes, applied by the engine,
            # judged by NBP000's rule.
            "nbport.suppressions",
            "nbport.catalog",
            "nbport.selection",
            "nbport.runtime",
            "nbport.wheel_index",
            # What the repository is: Colab URLs and the git checkout's GitHub remote, read by the
            # url and badge commands and by NBP106 (the `!git clone` a notebook needs).
            "nbport.colab",
            "nbport.git_checkout",
            "nbport",  # the package itself
            "nbport.__version__",
        ),
    ),
]
#: Modules allowed over 500 lines: the JSON layout writer and the escape scanner.
LONG_MODULES = {"nbport.documents.json_layout", "nbport.escapes"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPOSITORY).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(name: str) -> int:
    """The layer of a module (or of a name imported from one): the longest prefix that matches;
    the bare package `nbport` matches only itself."""
    best: tuple[int, int] | None = None
    for rank, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            inside = prefix != "nbport" and name.startswith(prefix + ".")
            if (name == prefix or inside) and (best is None or len(prefix) > best[1]):
                best = (rank, len(prefix))
    assert best is not None, f"{name} is in no layer: add it to LAYERS"
    return best[0]


def _imports(path: Path, module: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = module.split(".")[: -node.level or None]
                name = ".".join([*base, *([node.module] if node.module else [])])
            else:
                name = node.module or ""
            found.add(name)
            found.update(f"{name}.{alias.name}" for alias in node.names)
    return {name for name in found if name == "nbport" or name.startswith("nbport.")}


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=[_module_name(path) for path in MODULES])
def test_no_import_runs_up_the_layers(path: Path) -> None:
    module = _module_name(path)
    rank = _layer(module)
    upward = [
        f"{imported} ({LAYERS[_layer(imported)][0]})"
        for imported in sorted(_imports(path, module))
        if imported != "nbport" and _layer(imported) < rank
    ]
    assert upward == [], f"{module} ({LAYERS[rank][0]}) imports from above: {upward}"


def test_reporters_import_values_only() -> None:
    values = len(LAYERS) - 1
    for path in sorted((PACKAGE / "report").glob("*.py")):
        module = _module_name(path)
        for imported in _imports(path, module):
            target = _layer(imported)
            assert target in (values, _layer("nbport.report")), f"{module} imports {imported}"


@pytest.mark.parametrize("path", MODULES, ids=[_module_name(path) for path in MODULES])
def test_no_module_is_over_500_lines(path: Path) -> None:
    module = _module_name(path)
    lines = len(path.read_text(encoding="utf-8").splitlines())
    if module not in LONG_MODULES:
        assert lines <= 500, f"{module} has {lines} lines"
