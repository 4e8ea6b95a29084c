"""Whether a file holds a notebook nbport reads, and the notices its reading leaves.

The bytes must be UTF-8 text (a byte order mark allowed), not empty and not binary; the JSON value
a notebook of nbformat 3 or 4 for Python: the version keys, nbformat's schema for that version
(compiled once with fastjsonschema; nbformat itself words the complaint about the few it rejects)
and, for version 3, worksheets and cells that are objects. A notebook whose metadata names another
language is `NotPython`, before its schema is looked at. Duplicate JSON keys do not stop reading;
they give a notice that blocks writing.
"""

from __future__ import annotations

import importlib.util
import json
import warnings
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from nbport.documents.base import DocumentError, DocumentNotice, NotPython
from nbport.documents.json_layout import read_layout
from nbport.documents.language import notebook_language
from nbport.positions import LineIndex

_BOM = b"\xef\xbb\xbf"
_SUPPORTED_VERSIONS = (3, 4)


def decode_notebook_bytes(raw: bytes) -> tuple[bytes, str]:
    """The byte order mark (or `b""`) and the text of a notebook's bytes; `DocumentError` if they
    are empty, binary or not UTF-8."""
    bom = _BOM if raw.startswith(_BOM) else b""
    body = raw[len(bom) :]
    if not body.strip(b" \t\r\n"):
        raise DocumentError("empty file")
    if b"\0" in body:
        raise DocumentError("binary file, not a notebook")
    try:
        return bom, body.decode("utf-8")
    except UnicodeDecodeError as error:
        offset = len(bom) + error.start
        raise DocumentError(
            f"not UTF-8: invalid byte 0x{body[error.start]:02x} at offset {offset}"
        ) from None


def check_notebook(data: Any) -> None:
    """Raise `DocumentError` unless `data` is a valid nbformat 3 or 4 notebook for Python
    (`NotPython` for a notebook in another language)."""
    if not isinstance(data, dict):
        kind = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
            type(data), "a number"
        )
        raise DocumentError(f"not a Jupyter notebook: the JSON value is {kind}, not an object")
    version = data.get("nbformat")
    if version is None:
        raise DocumentError("not a Jupyter notebook: no 'nbformat' key")
    minor = data.get("nbformat_minor", 0)
    if type(version) is not int or type(minor) is not int:
        raise DocumentError(
            "not a Jupyter notebook: 'nbformat' and 'nbformat_minor' must be integers"
        )
    if version not in _SUPPORTED_VERSIONS:
        raise DocumentError(
            f"unsupported nbformat version {version}; nbport reads versions 3 and 4"
        )
    # Before the schema: a notebook in another language is none of nbport's business, even one
    # that nbformat would reject, and it must not block a run (pre-commit) as an error would.
    language = notebook_language(data.get("metadata"))
    if language is not None:
        raise NotPython(language)
    message = _validation_error(data) or _cell_structure_error(data)
    if message is not None:
        raise DocumentError(f"not a Jupyter notebook: {message}")


def _cell_structure_error(data: dict[str, Any]) -> str | None:
    """What nbformat's version 3 schema lets through but no notebook holds: worksheets or cells
    that are not objects (`"worksheets": [null]`)."""
    if data["nbformat"] != 3:
        return None
    sheets = data.get("worksheets", [])
    if not isinstance(sheets, list):
        return "'worksheets' is not an array"
    for number, sheet in enumerate(sheets):
        if not isinstance(sheet, dict):
            return f"worksheets[{number}] is not an object"
        cells = sheet.get("cells", [])
        if not isinstance(cells, list) or not all(isinstance(cell, dict) for cell in cells):
            return f"worksheets[{number}].cells is not an array of objects"
    return None


def _validation_error(data: dict[str, Any]) -> str | None:
    """The first line of nbformat's complaint about `data`, or None if it is a valid notebook.

    A notebook that nbformat's own schema for its version accepts as it is, nbformat accepts too:
    that test comes first, as the rest (ids repaired on copies, the complaint worded) is needed
    only for the few notebooks it rejects.
    """
    cells = data.get("cells")
    # nbformat has one schema for version 3 and fails (KeyError) on a later 3.x; check those
    # against it, as Jupyter reads them.
    version = data["nbformat"]
    minor = 0 if version == 3 else None
    schema = _schema_validator(version, data.get("nbformat_minor", 0) if minor is None else minor)
    if schema is not None:
        try:
            schema(data)
            return None
        except Exception:  # rejected (or odd input): nbformat.validate says why, below
            pass
    from nbformat import validate
    from nbformat.validator import ValidationError, iter_validate

    with warnings.catch_warnings():
        # nbformat warns about (and fills in) missing or repeated cell ids of a 4.5 notebook.
        warnings.simplefilter("ignore")
        try:
            if isinstance(cells, list) and all(isinstance(cell, dict) for cell in cells):
                # `validate` writes those cell ids into the cells: give it copies, so that the
                # notebook nbport reads is the file's.
                copy = {**data, "cells": [dict(cell) for cell in cells]}
                validate(copy, version=version, version_minor=minor)
            else:
                # `validate` would fail on these before checking the schema; this is the same
                # check minus the id repair.
                error = next(iter_validate(data, version=version, version_minor=minor), None)
                if error is not None:
                    raise error
        except ValidationError as error:
            lines = [line for line in str(error).splitlines() if line.strip()]
            return lines[0] if lines else "invalid notebook structure"
        except Exception as error:
            # nbformat's own bugs on odd input must still end as this file's error, not the run's.
            reason = " ".join(f"{type(error).__name__}: {error}".split())
            return f"nbformat cannot validate it ({reason[:200]})"
    return None


@cache
def _schema_validator(version: int, minor: int) -> Callable[[Any], object] | None:
    """nbformat's JSON schema for notebooks of `version.minor`, compiled with fastjsonschema as
    nbformat compiles it, but with errors that do not describe themselves: a schema's `oneOf`
    (a cell is markdown, code or raw) raises an error for each branch it tries, and building their
    descriptions costs more than the rest of the check. The schema file is read from nbformat's
    folder without importing nbformat (and jsonschema with it). None for a version nbformat has no
    schema file for (it relaxes its latest schema for notebooks newer than itself)."""
    import fastjsonschema

    spec = importlib.util.find_spec("nbformat")
    if spec is None or not spec.submodule_search_locations:
        return None
    name = "nbformat.v3.schema.json" if version == 3 else f"nbformat.v{version}.{minor}.schema.json"
    path = Path(spec.submodule_search_locations[0]) / f"v{version}" / name
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return fastjsonschema.compile(schema, use_default=False, detailed_exceptions=False)


def duplicate_notice(text: str) -> DocumentNotice:
    """The notice for a text in which `json.loads` found duplicate keys, with where they are."""
    try:
        duplicates = read_layout(text, every_object=True).duplicates
    except RecursionError:
        # Nested deeper than nbport's walker goes (json.loads went deeper): say so without a line.
        duplicates = ()
    if not duplicates:
        # Still block writing: json.loads did find duplicates.
        return DocumentNotice(
            "duplicate JSON key; nbport will not rewrite this file", blocks_writing=True
        )
    first = duplicates[0]
    line = LineIndex(text).line_of(first.offset)
    more = f" (and {len(duplicates) - 1} more)" if len(duplicates) > 1 else ""
    return DocumentNotice(
        f"duplicate JSON key {first.key!r} at line {line}{more}; nbport will not rewrite this file",
        blocks_writing=True,
    )


__all__ = ["check_notebook", "decode_notebook_bytes", "duplicate_notice"]
