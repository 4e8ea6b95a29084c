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
    A code that matches nothing is an error, so a typo never turns a check off silently, and so
    is a selection that leaves no rule to run. An `opt_in` rule (NBP000) runs only when named.
    """
    if target not in TARGET_CHOICES:
        raise SelectionError(f"unknown target {target!r}: use {', '.join(TARGET_CHOICES)}")
    in_target = {
        rule_id
        for rule_id, entry in catalog.items()
        if (target == "both" or target in entry.targets) and not entry.opt_in
    }
    chosen = _expand(catalog, split_codes(select), in_target) if select else set(in_target)
    chosen -= _expand(catalog, split_codes(ignore), set(catalog))
    if not chosen:
        # A run that checks nothing must not print "All checks passed".
        notes = other_target_notes(catalog, select, target) or ["every rule selected is ignored"]
        raise SelectionError(f"no rule runs: {'; '.join(notes)}")
    return tuple(catalog[rule_id] for rule_id in sorted(chosen))


def other_target_notes(
    catalog: Mapping[str, CatalogEntry], select: Iterable[str], target: str
) -> list[str]:
    """For each prefix in `select` whose rules all belong to other targets than `target`, a note
    saying which rules it matched and the target they need (`--select NBP4` at the default target
    matches only NBP401 and NBP402, which check code going to `local`)."""
    notes = []
    for code in split_codes(select):
        if code == "ALL" or any(
            code in (rule_id, e.name.upper()) for rule_id, e in catalog.items()
        ):
            continue
        matched = sorted(
            rule_id
            for rule_id in catalog
            if rule_id.startswith(code) and not catalog[rule_id].opt_in
        )
        if not matched or target == "both" or any(target in catalog[m].targets for m in matched):
            continue
        targets = sorted({other for rule_id in matched for other in catalog[rule_id].targets})
        notes.append(
            f"{code} selects {', '.join(matched)}, which check code going to"
            f" {' or '.join(targets)}, not {target} (use --target"
            f" {targets[0] if len(targets) == 1 else 'both'}, or name the rules in full)"
        )
    return notes


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
