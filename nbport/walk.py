"""One walk of a unit's CPython tree for every rule that looks at it, feeding the name resolver.

Each node is visited once: the rules' `visit_<Node>` hooks before its children, their `leave_<Node>`
hooks after them, in the order libcst visits (a function's decorators, parameters and return
annotation before its body, so that a rule sees names bound in the order Python binds them). After
a statement's leave hooks, the resolver learns what it binds. A loop, not recursion: a deeply nested
expression must not exhaust the stack.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from nbport.rules.base import Rule
from nbport.rules.names import NameResolver

_Hook = Callable[[ast.AST], object]

#: Statements that bind names: the resolver learns from them once they are walked.
BINDING_STATEMENTS = frozenset(
    {
        ast.Import,
        ast.ImportFrom,
        ast.Assign,
        ast.AnnAssign,
        ast.AugAssign,
        ast.FunctionDef,
        ast.AsyncFunctionDef,
        ast.ClassDef,
        ast.For,
        ast.AsyncFor,
        ast.With,
        ast.AsyncWith,
    }
)

#: Fields visited first, in libcst's order, where `ast`'s differs.
_FIELD_ORDER: dict[type, tuple[str, ...]] = {
    ast.FunctionDef: ("decorator_list", "args", "returns", "body"),
    ast.AsyncFunctionDef: ("decorator_list", "args", "returns", "body"),
    ast.ClassDef: ("decorator_list", "bases", "keywords", "body"),
}
#: `_reversed_fields` of each node type, found once per type.
_REVERSED_FIELDS: dict[type, tuple[str, ...]] = {}


@dataclass(slots=True)  # not frozen: one is made per statement, and frozen ones cost 4 times more
class _Leave:
    """A node whose children have all been visited."""

    node: ast.AST
    hooks: tuple[_Hook, ...]
    learn: bool
    #: For a statement: the statement around it, which becomes the rules' `statement` again.
    outer: ast.stmt | None = None


class _Hooks:
    """The bound `visit_`/`leave_` methods of some rules, per node type, looked up once."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self._rules = rules
        self._visits: dict[type, tuple[_Hook, ...]] = {}
        self._leaves: dict[type, tuple[_Hook, ...]] = {}

    def of(self, kind: type) -> tuple[tuple[_Hook, ...], tuple[_Hook, ...]]:
        visits = self._visits.get(kind)
        if visits is None:
            name = kind.__name__
            visits = self._visits[kind] = _bound(self._rules, f"visit_{name}")
            self._leaves[kind] = _bound(self._rules, f"leave_{name}")
        return visits, self._leaves[kind]


def _bound(rules: Sequence[Rule], method: str) -> tuple[_Hook, ...]:
    return tuple(getattr(rule, method) for rule in rules if hasattr(type(rule), method))


#: `walks` of each rule class, found once per class.
_WALKS: dict[type, bool] = {}


def walks(rule: type[Rule]) -> bool:
    """Whether `rule` has any `visit_`/`leave_` hook: rules of escapes only need no walk."""
    found = _WALKS.get(rule)
    if found is None:
        found = _WALKS[rule] = any(name.startswith(("visit_", "leave_")) for name in dir(rule))
    return found


def walk(tree: ast.Module, rules: Sequence[Rule], names: NameResolver) -> None:
    """Call the hooks of `rules` on every node of `tree`, and teach `names` its bindings."""
    hooks = _Hooks(rules)
    #: Per node type met: its visit and leave hooks, and the fields to walk (looked up once).
    kinds: dict[type, tuple[tuple[_Hook, ...], tuple[_Hook, ...], tuple[str, ...]]] = {}
    stack: list[ast.AST | _Leave] = [tree]
    push = stack.append
    learn = names.learn
    statement: ast.stmt | None = None
    while stack:
        item = stack.pop()
        if isinstance(item, _Leave):
            for hook in item.hooks:
                hook(item.node)
            if item.learn:
                learn(item.node)  # type: ignore[arg-type]
            if isinstance(item.node, ast.stmt):
                statement = item.outer
                for rule in rules:
                    rule.statement = statement
            continue
        kind = type(item)
        found = kinds.get(kind)
        if found is None:
            found = kinds[kind] = (*hooks.of(kind), _reversed_fields(kind))
        visits, leaves, fields = found
        is_statement = isinstance(item, ast.stmt)
        if is_statement:
            for rule in rules:
                rule.statement = item  # type: ignore[assignment]
        for hook in visits:
            hook(item)
        if is_statement:
            push(_Leave(item, leaves, kind in BINDING_STATEMENTS, statement))
            statement = item  # type: ignore[assignment]
        elif leaves:
            push(_Leave(item, leaves, False))
        for name in fields:
            value = getattr(item, name, None)
            if isinstance(value, list):
                for child in reversed(value):
                    if isinstance(child, ast.AST):
                        push(child)
            elif isinstance(value, ast.AST):
                push(value)


def learn_bindings(tree: ast.Module, names: NameResolver) -> None:
    """Teach `names` the bindings of `tree`'s statements, in the order `walk` would, without
    visiting expressions: for units no rule walks."""
    stack: list[ast.stmt | _Leave] = list(reversed(tree.body))
    while stack:
        item = stack.pop()
        if isinstance(item, _Leave):
            names.learn(item.node)  # type: ignore[arg-type]
            continue
        kind = type(item)
        if kind in BINDING_STATEMENTS:
            stack.append(_Leave(item, (), True))
        for field in ("finalbody", "orelse", "handlers", "cases", "body"):
            value = getattr(item, field, None)
            if isinstance(value, list):
                for child in reversed(value):
                    if isinstance(child, ast.stmt):
                        stack.append(child)
                    elif isinstance(child, (ast.ExceptHandler, ast.match_case)):
                        stack.extend(reversed(child.body))


def _reversed_fields(node_type: type) -> tuple[str, ...]:
    """The fields of `node_type` that hold child nodes, last visited first; `ctx` is left out."""
    found = _REVERSED_FIELDS.get(node_type)
    if found is None:
        fields: tuple[str, ...] = getattr(node_type, "_fields", ())
        order = _FIELD_ORDER.get(node_type, ())
        ordered = (*order, *(name for name in fields if name not in order and name != "ctx"))
        found = _REVERSED_FIELDS[node_type] = tuple(reversed(ordered))
    return found
