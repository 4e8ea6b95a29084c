"""NBP203 tpu-legacy: each legacy TPU name reported once, and never by NBP202 too."""

from __future__ import annotations

from nbport.catalog import load_catalog
from nbport.documents import document_from_cells
from nbport.engine import check_document

CATALOG = load_catalog()


def found(code: str, *ids: str) -> list[tuple[str, str]]:
    entries = [CATALOG[rule] for rule in ids or ("NBP203",)]
    result = check_document(document_from_cells([code], "script"), entries)
    return [(finding.start.label(), finding.rule) for finding in result.findings]


def test_an_imported_converter_is_reported_where_it_is_used() -> None:
    code = (
        "from tensorflow.contrib.tpu import keras_to_tpu_model\n"
        "tpu_model = keras_to_tpu_model(model)\n"
    )
    assert found(code, "NBP202", "NBP203") == [("2:13", "NBP203")]


def test_the_seed_000_statement_gives_one_finding_per_legacy_piece() -> None:
    code = (
        "import os\nimport tensorflow as tf\n"
        "tpu_model = tf.contrib.tpu.keras_to_tpu_model(model, "
        "strategy=tf.contrib.tpu.TPUDistributionStrategy("
        "tf.contrib.cluster_resolver.TPUClusterResolver(tpu='grpc://' + os.environ['COLAB_TPU_ADDR'])))\n"
    )
    assert found(code, "NBP202", "NBP203") == [
        ("3:13", "NBP203"),
        ("3:63", "NBP203"),
        ("3:102", "NBP203"),
        ("3:176", "NBP203"),
    ]


def test_other_tf_contrib_tpu_names_stay_with_nbp202() -> None:
    code = "import tensorflow as tf\nconfig = tf.contrib.tpu.RunConfig()\n"
    assert found(code, "NBP202", "NBP203") == [("2:10", "NBP202")]


def test_the_address_variable_in_any_lookup() -> None:
    code = "import os\naddress = os.getenv(\"COLAB_TPU_ADDR\", '')\nname = 'COLAB_TPU_ADDRESS'\n"
    assert found(code) == [("2:21", "NBP203")]


def test_the_message_gives_the_tf2_recipe() -> None:
    result = check_document(
        document_from_cells(["x = tf.contrib.tpu.keras_to_tpu_model(m)"], "script"),
        [CATALOG["NBP203"]],
    )
    (finding,) = result.findings
    assert "TPUClusterResolver(tpu='local')" in finding.message
    assert "tf.distribute.TPUStrategy(resolver)" in finding.message
    assert "nbport rules NBP203" in finding.message


def test_the_address_variable_read_inside_an_f_string() -> None:
    code = (
        "import os\nprint(f\"{os.environ['COLAB_TPU_ADDR']}\")\n"
        "note = f'COLAB_TPU_ADDR'\nkey = 'COLAB_' 'TPU_ADDR'\nother = 'COLAB_TPU_ADDR' 'S'\n"
    )
    assert found(code) == [("2:21", "NBP203"), ("4:7", "NBP203")]


def test_names_of_the_users_own_are_no_use_of_the_api() -> None:
    code = (
        "class TPUDistributionStrategy: pass\ndef g(keras_to_tpu_model=1): pass\n"
        "f(keras_to_tpu_model=2)\nh = lambda keras_to_tpu_model: 0\n"
    )
    assert found(code) == []


def test_a_chain_through_calls_and_subscripts_is_named_as_written() -> None:
    code = "get().contrib.tpu.keras_to_tpu_model(m)\nx[0].contrib.cluster_resolver.TPUClusterResolver()\n"
    result = check_document(document_from_cells([code], "script"), [CATALOG["NBP203"]])
    assert [finding.message.split(" is ")[0] for finding in result.findings] == [
        "`get.contrib.tpu.keras_to_tpu_model`",
        "`x.contrib.cluster_resolver.TPUClusterResolver`",
    ]


def test_a_check_that_refuses_the_old_runtime_is_harmless_but_one_that_needs_it_is_not() -> None:
    """`if 'COLAB_TPU_ADDR' in os.environ: raise` stops only on the retired runtime; `not in`
    stops on today's, where the variable is never set; a lookup under the test still fails."""
    from nbport.api import check_source, rules_for

    rules = rules_for(select=["NBP203"])

    def found(code: str) -> list[str]:
        return [f.start.label() for f in check_source(code, rules=rules).findings]

    refuse = 'import os\nif "COLAB_TPU_ADDR" in os.environ:\n    raise RuntimeError("old")\n'
    assert found(refuse) == []
    need = 'import os\nif "COLAB_TPU_ADDR" not in os.environ:\n    raise SystemExit("no TPU")\n'
    assert found(need) == ["cell 1:2:4"]
    use = 'import os\nif "COLAB_TPU_ADDR" in os.environ:\n    tpu = os.environ["COLAB_TPU_ADDR"]\n'
    assert len(found(use)) == 2
