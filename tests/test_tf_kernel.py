"""The kernel's TensorFlow readers: `nbport.rules.tf_api` and `nbport.rules.tf_graph`."""

from __future__ import annotations

import ast

import pytest

from nbport.rules.tf_api import (
    LEGACY_TPU_PATHS,
    VersionChecks,
    is_legacy_tpu,
    is_version_check,
    removed_module,
    tf2_path,
)
from nbport.rules.tf_graph import GraphUse


@pytest.mark.parametrize(
    ("qualified", "path"),
    [
        ("tensorflow", []),
        ("tensorflow.train.Checkpoint", ["train", "Checkpoint"]),
        ("tensorflow.compat.v2", []),
        ("tensorflow.compat.v2.feature_column", ["feature_column"]),
        ("tensorflow.compat", ["compat"]),
        ("tensorflow.keras.layers", ["keras", "layers"]),
        ("tensorflow.compat.v1", None),  # the TF 1 API
        ("tensorflow.compat.v1.layers", None),
        ("tensorflow.contrib.rnn", None),  # removed
        ("tensorflow.logging", None),  # TF1-only
        ("tensorflow_hub", None),
        ("keras.layers", None),
        (None, None),
    ],
)
def test_tf2_path(qualified: str | None, path: list[str] | None) -> None:
    assert tf2_path(qualified) == path


def test_removed_modules_and_legacy_tpu_paths() -> None:
    assert removed_module(["contrib", "rnn"]) is not None
    assert removed_module(("examples", "tutorials", "mnist")) is not None
    assert removed_module(["examples"]) is removed_module([]) is None
    assert all(is_legacy_tpu(path) for path in LEGACY_TPU_PATHS)
    assert is_legacy_tpu(["contrib", "tpu", "keras_to_tpu_model", "x"])
    assert not is_legacy_tpu(["contrib", "tpu", "RunConfig"])


@pytest.mark.parametrize(
    ("test", "checks"),
    [
        ("tf.executing_eagerly()", True),
        ("tf.__version__.startswith('2')", True),
        ("not executing_eagerly()", True),
        ("tf.VERSION < '2'", True),
        ("x > 1", False),
        ("tf.test.is_gpu_available()", False),
    ],
)
def test_is_version_check(test: str, checks: bool) -> None:
    assert is_version_check(ast.parse(test, mode="eval").body) is checks


def test_version_checks_follow_the_ifs_around_a_node() -> None:
    outer, inner = (
        ast.parse("if tf.executing_eagerly():\n    if x:\n        pass\nelse:\n    pass").body[0],
        None,
    )
    assert isinstance(outer, ast.If)
    inner = outer.body[0]
    assert isinstance(inner, ast.If)
    checks = VersionChecks()
    assert not checks.in_version_check
    checks.visit_If(outer)
    checks.visit_If(inner)  # not a version check itself, but inside one
    assert checks.in_version_check
    checks.leave_If(inner)
    assert checks.in_version_check
    checks.leave_If(outer)
    assert not checks.in_version_check


def test_a_graph_fed_without_graph_mode_needs_the_switch() -> None:
    graph = GraphUse()
    assert graph.switch(()) is None
    graph.note_use("placeholder", lambda: "`tf.placeholder` at line 3")
    graph.note_use("reduce_sum", lambda: "never asked")
    assert graph.switch(()) is None  # nowhere to put the switch yet
    graph.anchor = (object(), "tf", None)  # type: ignore[assignment]
    switch = graph.switch(())
    assert switch is not None
    _, advice, edit, safety = switch
    assert "(`tf.placeholder` at line 3)" in advice
    assert "`tf.compat.v1.disable_eager_execution()`" in advice
    assert edit is None and safety is None
    assert graph.switch(["tf"]) is None  # `tf` is the TF 1 API already


def test_a_session_needs_the_switch_only_when_it_runs() -> None:
    graph = GraphUse(anchor=(object(), "tf", None))  # type: ignore[arg-type]
    graph.note_use("Session", lambda: "`tf.Session` at line 2")
    graph.note_call("run", "subprocess", through_tf=False, arguments=True)
    graph.note_call("run", "tf", through_tf=True, arguments=False)  # `tf.app.run()`
    assert graph.switch(()) is None
    graph.note_call("run", "sess", through_tf=False, arguments=True)
    assert graph.switch(()) is not None


@pytest.mark.parametrize(
    "api",
    [
        ["disable_eager_execution"],
        ["compat", "v1", "disable_v2_behavior"],
        ["Graph"],
        ["estimator", "Estimator"],
        ["contrib", "learn", "Experiment"],
    ],
)
def test_graph_mode_on_or_an_estimator_needs_no_switch(api: list[str]) -> None:
    graph = GraphUse(anchor=(object(), "tf", None))  # type: ignore[arg-type]
    graph.note_use("placeholder", lambda: "`tf.placeholder` at line 2")
    graph.note_api(api)
    assert graph.switch(()) is None


@pytest.mark.parametrize(
    ("api", "eager_only"),
    [
        (["keras", "layers", "Dense"], "Keras"),
        (["keras", "datasets", "mnist"], None),
        (["GradientTape"], "`GradientTape`"),
        (["compat", "v1", "function"], "`function`"),
        (["nn", "relu"], None),
    ],
)
def test_code_that_needs_eager_execution_makes_the_switch_unsafe(
    api: list[str], eager_only: str | None
) -> None:
    graph = GraphUse(anchor=(object(), "tf", None))  # type: ignore[arg-type]
    graph.note_use("placeholder", lambda: "`tf.placeholder` at line 2")
    graph.note_api(api)
    graph.note_call("numpy", "x", through_tf=False, arguments=True)  # `x.numpy(1)`: not eager code
    assert graph.eager_only == eager_only
    switch = graph.switch(())
    assert switch is not None
    assert (switch[3] is not None) == (eager_only is not None)
