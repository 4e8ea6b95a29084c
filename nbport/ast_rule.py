"""Rules that read CPython's `ast` tree, which the engine builds for every unit anyway.

A rule that fixes nothing, or whose fixes need only positions, has no use for libcst's concrete
syntax tree, which costs about ten times as much to build. `AstRule` walks the unit's `ast` tree and
calls `visit_<Node>` / `leave_<Node>` methods the way libcst calls them: parents before children, in
the order libcst visits them (decorators before the function they decorate), so that a rule moved
from libcst to `ast` binds and looks up names in the same order.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from nbport.finding import Edit, FixSafety
from nbport.rule import Rule
from nbport.rules.calls import Argument, call_arguments, full_name, leaf_name
from nbport.rules.unit import UnitContext

_Hook = Callable[[ast.AST], None]


@dataclass(frozen=True)
class _Leave:
    """A node whose children have all been visited: time for its `leave_<Node>` hook."""

    node: ast.AST
    hook: _Hook


class AstRule(Rule):
    """A rule written as `visit_<Node>` / `leave_<Node>` methods over `ast` nodes (`visit_Call`).

    `begin_unit` walks the unit's tree; a subclass that keeps per-unit state resets it before
    calling `super().begin_unit`.
    """

    def begin_unit(self, context: UnitContext) -> None:
        """Walk the unit's `ast` tree, calling the hooks."""
        super().begin_unit(context)
        self._walk(context.tree)

    def _walk(self, tree: ast.Module) -> None:
        # A loop, not recursion: a deeply nested expression must not exhaust the stack.
        hooks = {
            node_type: (getattr(self, visit, None), getattr(self, leave, None))
            for node_type, visit, leave in _hook_names(type(self))
        }
        stack: list[ast.AST | _Leave] = [tree]
        push = stack.append
        while stack:
            item = stack.pop()
            if isinstance(item, _Leave):
                item.hook(item.node)
                continue
            kind = type(item)
            hook = hooks.get(kind)
            if hook is not None:
                visit, leave = hook
                if visit is not None:
                    visit(item)
                if leave is not None:
                    push(_Leave(item, leave))
            # The children, last first, so that they come off the stack in order.
            for name in _reversed_fields(kind):
                value = getattr(item, name, None)
                if isinstance(value, list):
                    for child in reversed(value):
                        if isinstance(child, ast.AST):
                            push(child)
                elif isinstance(value, ast.AST):
                    push(value)

    def report_node(
        self,
        node: ast.expr | ast.stmt,
        message: str,
        *,
        end: ast.expr | ast.stmt | None = None,
        edits: Sequence[Edit] = (),
        safety: FixSafety | None = None,
    ) -> None:
        """Report a finding from the start of `node` to the end of `end` (default: `node`); edits
        are dropped when the node's text is not what was parsed (see `editable`)."""
        assert self.context is not None
        start, stop = self.context.ast_span(node)
        if end is not None:
            _, stop = self.context.ast_span(end)
        if not self.editable(node):
            edits = ()
        self.report(start, stop, message, edits=edits, safety=safety)

    def editable(self, node: ast.expr | ast.stmt) -> bool:
        """Whether the original text of `node` is what was parsed: no masked escape on its lines,
        and not several lines of a cell whose indentation was stripped before parsing."""
        assert self.context is not None
        lines = range(node.lineno, (node.end_lineno or node.lineno) + 1)
        if self.context.dedent and len(lines) > 1:
            return False
        return not any(line in self.context.escape_lines for line in lines)

    def source(self, node: ast.expr) -> str:
        """The text of `node` in the unit's parsed Python (`ast` columns count UTF-8 bytes)."""
        assert self.context is not None
        lines = self.context.python_lines[node.lineno - 1 : node.end_lineno]
        end = node.end_col_offset
        if len(lines) == 1:
            return lines[0].encode("utf-8")[node.col_offset : end].decode("utf-8", "replace")
        first = lines[0].encode("utf-8")[node.col_offset :].decode("utf-8", "replace")
        last = lines[-1].encode("utf-8")[:end].decode("utf-8", "replace")
        return "\n".join([first, *lines[1:-1], last])


#: `_hook_names` of each rule class, found once per class.
_HOOK_NAMES: dict[type, tuple[tuple[type, str, str], ...]] = {}


def _hook_names(rule: type) -> tuple[tuple[type, str, str], ...]:
    """(node type, visit method name, leave method name) for each node type `rule` has a hook for."""
    found = _HOOK_NAMES.get(rule)
    if found is None:
        names = {
            name.partition("_")[2] for name in dir(rule) if name.startswith(("visit_", "leave_"))
        }
        found = tuple(
            (getattr(ast, name), f"visit_{name}", f"leave_{name}")
            for name in sorted(names)
            if isinstance(getattr(ast, name, None), type)
        )
        _HOOK_NAMES[rule] = found
    return found


#: Fields visited first, in libcst's order, where `ast`'s differs: decorators (and a function's
#: parameters and return annotation) come before the body.
_FIELD_ORDER: dict[type, tuple[str, ...]] = {
    ast.FunctionDef: ("decorator_list", "args", "returns", "body"),
    ast.AsyncFunctionDef: ("decorator_list", "args", "returns", "body"),
    ast.ClassDef: ("decorator_list", "bases", "keywords", "body"),
}


#: `_reversed_fields` of each node type, found once per type.
_REVERSED_FIELDS: dict[type, tuple[str, ...]] = {}


def _reversed_fields(node_type: type) -> tuple[str, ...]:
    """The fields of `node_type` that hold child nodes, last visited first; `ctx` (`Load()`,
    `Store()`) is left out: no rule looks at it."""
    found = _REVERSED_FIELDS.get(node_type)
    if found is None:
        fields: tuple[str, ...] = getattr(node_type, "_fields", ())
        order = _FIELD_ORDER.get(node_type, ())
        ordered = (*order, *(name for name in fields if name not in order and name != "ctx"))
        found = _REVERSED_FIELDS[node_type] = tuple(reversed(ordered))
    return found


__all__ = ["Argument", "AstRule", "call_arguments", "full_name", "leaf_name"]
