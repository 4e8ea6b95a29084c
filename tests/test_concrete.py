"""Concrete syntax on demand (`nbport/rules/concrete.py`): keyword arguments taken out of a call
keep the rest of the call as written."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest
from conftest import REPOSITORY
from hypothesis import given
from hypothesis import strategies as st

from nbport.rules.concrete import without_keywords

DROP = {"workers", "use_multiprocessing"}


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (
            "model.fit_generator(gen, steps_per_epoch=10, workers=4, use_multiprocessing=True)",
            "model.fit_generator(gen, steps_per_epoch=10)",
        ),
        ("model.fit(gen, workers=4, epochs=2)", "model.fit(gen, epochs=2)"),
        ("model.fit(gen, epochs=3, workers=4,)", "model.fit(gen, epochs=3,)"),
        ("model.fit(gen, epochs=3,\n          workers=4)", "model.fit(gen, epochs=3)"),
        ("f(workers=4)", "f()"),
        ("f( workers=4 )", "f()"),
        ("f(a, **kw, workers=2)", "f(a, **kw)"),
        # One argument per line: the layout, the comments and the trailing comma stay.
        (
            "model.fit(\n    gen,  # the batches\n    workers=4,\n    epochs=3,\n)",
            "model.fit(\n    gen,  # the batches\n    epochs=3,\n)",
        ),
        (
            "model.fit(\n    gen,  # the batches\n    epochs=3,\n    workers=4,  # four\n)",
            "model.fit(\n    gen,  # the batches\n    epochs=3,\n)",
        ),
        ("model.fit(\n    gen,\n    workers=4\n)", "model.fit(\n    gen\n)"),
        # A comment must follow a comma: the comma stays where the comment does.
        ("model.fit(\n    gen,  # g\n    workers=4\n)", "model.fit(\n    gen,  # g\n)"),
    ],
)
def test_keywords_go_and_the_rest_stays_as_written(call: str, expected: str) -> None:
    assert without_keywords(call, DROP) == expected


@pytest.mark.parametrize("text", ["f(a)", "f(a, epochs=3)", "x + 1", "f(a) + g(workers=1)", "f("])
def test_nothing_to_take_out_is_none(text: str) -> None:
    assert without_keywords(text, DROP) is None


_ARGUMENTS = st.lists(
    st.one_of(
        st.sampled_from(["x", "gen", "data[0]", "*rest"]).map(lambda text: ("", text)),
        st.sampled_from(["workers", "epochs", "use_multiprocessing", "verbose"]).flatmap(
            lambda name: st.sampled_from(["1", "True", "'a, b'"]).map(lambda v: (name, v))
        ),
    ),
    max_size=6,
)


@given(
    arguments=_ARGUMENTS,
    separators=st.lists(st.sampled_from([", ", ",\n    ", ",  # note\n    ", " ,"]), min_size=6),
    trailing=st.sampled_from(["", ",", ",\n", "\n", ",  # end\n"]),
)
def test_the_result_is_the_call_without_those_keywords(
    arguments: list[tuple[str, str]], separators: list[str], trailing: str
) -> None:
    """For any layout, the result parses to the same call minus the dropped keywords."""
    positional = [value for name, value in arguments if not name]
    keywords = list(dict((name, value) for name, value in arguments if name).items())
    parts = positional + [f"{name}={value}" for name, value in keywords]
    if not parts:
        trailing = trailing.lstrip(",")
    body = "".join(part + separators[index] for index, part in enumerate(parts[:-1]))
    text = f"model.fit({body}{parts[-1] if parts else ''}{trailing})"
    result = without_keywords(text, DROP)
    if not any(name in DROP for name, _ in keywords):
        assert result is None
        return
    assert result is not None
    kept = positional + [f"{name}={value}" for name, value in keywords if name not in DROP]
    expected = ast.dump(ast.parse(f"model.fit({', '.join(kept)})", mode="eval"))
    assert ast.dump(ast.parse(result, mode="eval")) == expected
    # Every comment not on a dropped argument's line is kept.
    assert result.count("# note") + result.count("# end") <= text.count("# note") + text.count(
        "# end"
    )


def test_libcst_is_imported_only_when_a_fix_asks() -> None:
    """A check whose rules never ask for concrete syntax does not import libcst."""
    code = (
        "import sys\n"
        "from nbport.api import check_source\n"
        "findings = check_source('!cd data\\nmodel.fit(x, workers=4)\\n')\n"
        "assert findings, 'the source has a finding'\n"
        "print('libcst' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPOSITORY, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False"]
