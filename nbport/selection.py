"""Which rules run: `--select` and `--ignore` over the catalog, by id or id prefix."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from nbport.catalog import CatalogEntry


class SelectionError(ValueError):
    """A `--select`/`--ignore` value that names no rule."""


def split_codes(values: Iterable[str]) -> list[str]:
    """`["NBP001,NBP101", "NBP2"]` → `["NBP001", "NBP101", "NBP2"]`: options may repeat or use commas."""
    return [code.strip().upper() for value in values for code in value.split(",") if code.strip()]


def select_rules(
    catalog: Mapping[str, CatalogEntry],
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
) -> tuple[CatalogEntry, ...]:
    """The entries chosen by `select` (default: all) minus `ignore`.

    A code is a full id (`NBP001`), a prefix (`NBP1` for every NBP1xx rule, `ALL`), or a rule name
    (`shell-cd`). A code that matches nothing is an error, so a typo never turns a check off silently.
    """
    chosen = _expand(catalog, split_codes(select)) if select else set(catalog)
    chosen -= _expand(catalog, split_codes(ignore))
    return tuple(catalog[rule_id] for rule_id in sorted(chosen))


def _expand(catalog: Mapping[str, CatalogEntry], codes: list[str]) -> set[str]:
    ids: set[str] = set()
    for code in codes:
        if code == "ALL":
            matched = set(catalog)
        else:
            matched = {
                rule_id
                for rule_id, entry in catalog.items()
                if rule_id.startswith(code) or entry.name.upper() == code
            }
        if not matched:
            raise SelectionError(f"no rule matches {code!r} (see `nbport rules`)")
        ids |= matched
    return ids
