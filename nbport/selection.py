"""Which rules run: the target, then `--select` and `--ignore` over the catalog."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from nbport.catalog import TARGETS, CatalogEntry

#: `--target` values: where the code is about to run.
TARGET_CHOICES = (*TARGETS, "both")


class SelectionError(ValueError):
    """A `--select`/`--ignore`/`--target` value that names no rule or target."""


def split_codes(values: Iterable[str]) -> list[str]:
    """`["NBP001,NBP101", "NBP2"]` → `["NBP001", "NBP101", "NBP2"]`: options may repeat or use commas."""
    return [code.strip().upper() for value in values for code in value.split(",") if code.strip()]


def select_rules(
    catalog: Mapping[str, CatalogEntry],
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    target: str = "colab",
) -> tuple[CatalogEntry, ...]:
    """The entries for `target` chosen by `select` (default: all) minus `ignore`.

    A code is a full id (`NBP001`), a prefix (`NBP1` for every NBP1xx rule, `ALL`), or a rule name
    (`shell-cd`). Prefixes keep to the target's rules; a rule named in full runs whatever its target.
    A code that matches nothing is an error, so a typo never turns a check off silently.
    """
    if target not in TARGET_CHOICES:
        raise SelectionError(f"unknown target {target!r}: use {', '.join(TARGET_CHOICES)}")
    in_target = {
        rule_id for rule_id, entry in catalog.items() if target == "both" or target in entry.targets
    }
    chosen = _expand(catalog, split_codes(select), in_target) if select else set(in_target)
    chosen -= _expand(catalog, split_codes(ignore), set(catalog))
    return tuple(catalog[rule_id] for rule_id in sorted(chosen))


def _expand(catalog: Mapping[str, CatalogEntry], codes: list[str], in_target: set[str]) -> set[str]:
    ids: set[str] = set()
    for code in codes:
        named = {
            rule_id for rule_id, entry in catalog.items() if code in (rule_id, entry.name.upper())
        }
        if named:
            ids |= named
            continue
        matched = {rule_id for rule_id in catalog if code == "ALL" or rule_id.startswith(code)}
        if not matched:
            raise SelectionError(f"no rule matches {code!r} (see `nbport rules`)")
        ids |= matched & in_target
    return ids
