"""NBP302: a run is long by its stored output or by what it trains; a save counts only where a
Colab reset keeps it; the advice names the notebook's own Drive mount point."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import finding_labels

from nbport.catalog import catalog_dir, parse_entry
from nbport.documents import document_from_cells
from nbport.documents.notebook import NotebookDocument
from nbport.engine import check_document
from nbport.rules.run_time import keras_seconds, run_seconds, tqdm_seconds
from nbport.settings import RuleSettings

ENTRY = parse_entry(catalog_dir() / "NBP302-no-checkpoint.toml")
FOLDERS = "train = keras.utils.image_dataset_from_directory('photos')"


def labels(cells: list[str], layout: str = "notebook") -> list[str]:
    return finding_labels(ENTRY, cells, layout)


def messages(cells: list[str], layout: str = "notebook") -> list[str]:
    result = check_document(document_from_cells(cells, layout), [ENTRY])
    return [finding.message for finding in result.findings]


def stream(text: str, nbformat: int = 4) -> dict[str, Any]:
    name = {"name": "stdout"} if nbformat == 4 else {"stream": "stdout"}
    return {"output_type": "stream", **name, "text": text.splitlines(keepends=True)}


def notebook(*cells: tuple[str, list[dict[str, Any]]], nbformat: int = 4) -> NotebookDocument:
    """A notebook whose code cells hold these sources and stored outputs."""
    if nbformat == 3:
        sheet = [
            {"cell_type": "code", "input": source, "outputs": outputs, "language": "python"}
            for source, outputs in cells
        ]
        data: dict[str, Any] = {"nbformat": 3, "nbformat_minor": 0, "metadata": {}}
        data["worksheets"] = [{"cells": sheet}]
    else:
        code = [
            {"cell_type": "code", "source": source, "outputs": outputs, "metadata": {}}
            for source, outputs in cells
        ]
        for cell in code:
            cell["execution_count"] = None
        data = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": code}
    return NotebookDocument.from_bytes(Path("t.ipynb"), json.dumps(data).encode())


def keras_log(epochs: int, shown: int, seconds: int, steps: int = 469) -> str:
    """Keras's `fit` output for `shown` of `epochs` epochs of `seconds` each."""
    lines = []
    for epoch in range(1, shown + 1):
        lines.append(f"Epoch {epoch}/{epochs}")
        per_step = round(seconds * 1000 / steps)
        lines.append(f"{steps}/{steps} [=========] - {seconds}s {per_step}ms/step - loss: 0.5")
    return "\n".join(lines) + "\n"


# --- The output reader (a kernel change: `NotebookDocument.unit_output_text`) -------------------


def test_unit_output_text_reads_streams_and_plain_results() -> None:
    document = notebook(
        ("x = 1", []),
        (
            "model.fit(x, y, epochs=3)",
            [
                stream("Epoch 1/3\n"),
                {
                    "output_type": "display_data",
                    "data": {"image/png": "iVBOR", "text/plain": "<Figure>"},
                    "metadata": {},
                },
                {
                    "output_type": "execute_result",
                    "data": {"text/plain": ["<History at 0x1>"]},
                    "metadata": {},
                    "execution_count": 2,
                },
                {
                    "output_type": "error",
                    "ename": "KeyboardInterrupt",
                    "evalue": "",
                    "traceback": ["boom"],
                },
            ],
        ),
    )
    assert document.unit_output_text(0) == ""
    assert document.unit_output_text(1) == "Epoch 1/3\n\n<Figure>\n<History at 0x1>"


def test_unit_output_text_of_nbformat_3() -> None:
    pyout = {"output_type": "pyout", "text": ["42"], "metadata": {}, "prompt_number": 1}
    document = notebook(("6 * 7", [stream("hi\n", 3), pyout]), nbformat=3)
    assert document.unit_output_text(0) == "hi\n\n42"


def test_unit_output_text_refuses_a_unit_that_does_not_exist() -> None:
    with pytest.raises(IndexError):
        notebook(("x = 1", [])).unit_output_text(1)


# --- How long the output says the run is ---------------------------------------------------------


def test_keras_lines_give_mean_epoch_time_times_planned_epochs() -> None:
    # 3 of 50 epochs shown (the output stops: interrupted): 50 epochs of 30 s.
    assert keras_seconds(keras_log(50, 3, 30).splitlines()) == pytest.approx(1500, rel=0.01)
    # Two runs in one cell add up.
    log = keras_log(10, 10, 6) + keras_log(20, 20, 3)
    assert keras_seconds(log.splitlines()) == pytest.approx(60 + 60, rel=0.01)


def test_keras_early_stopping_counts_the_epochs_run() -> None:
    log = (
        keras_log(1000, 19, 22)
        + "Restoring model weights from the end of the best epoch: 14.\nEpoch 19: early stopping\n"
    )
    assert keras_seconds(log.splitlines()) == pytest.approx(19 * 22, rel=0.01)


def test_keras_verbose_2_keras_3_and_per_step_times() -> None:
    verbose_2 = "Epoch 1/4\n1724/1724 - 12s - loss: 13.9 - val_loss: 2.1 - 12s/epoch - 7ms/step\n"
    assert keras_seconds(verbose_2.splitlines()) == 48
    keras_3 = "Epoch 1/2\n\x1b[1m469/469\x1b[0m \x1b[32m━━━━━━━━━━━━━━━━━━━━\x1b[0m\x1b[37m\x1b[0m \x1b[1m45s\x1b[0m 95ms/step - loss: 0.3\n"
    assert run_seconds(keras_3) == 90  # colours stripped
    # `0s` of 2 steps at 19 ms: the step time says more than the rounded epoch time.
    tiny = "Epoch 1/100\n2/2 [==============================] - 0s 19ms/step - loss: 30.1\n"
    assert keras_seconds(tiny.splitlines()) == pytest.approx(100 * 2 * 0.019)


def test_keras_progress_redrawn_in_place_keeps_its_last_state() -> None:
    line = " 32/469 [>.....] - ETA: 10s - loss: 1.0\r469/469 [======] - 12s 25ms/step - loss: 0.4"
    assert run_seconds(f"Epoch 1/10\n{line}\n") == 120
    assert run_seconds("Epoch 1/10\n 32/469 [>.....] - ETA: 10s - loss: 1.0\n") is None


def test_tqdm_bars_add_up_and_a_bar_left_part_way_is_scaled() -> None:
    done = "100%|██████████| 938/938 [01:23<00:00, 11.2it/s]"
    assert tqdm_seconds([done, done]) == 166
    partial = " 25%|██▌       | 250/1000 [10:00<30:00, 0.42it/s]"
    assert tqdm_seconds([partial]) == 2400
    assert tqdm_seconds(["nothing here"]) is None


@pytest.mark.parametrize(
    ("output", "seconds"),
    [
        ("CPU times: user 2h 1min, sys: 3min 4s, total: 2h 4min 4s\nWall time: 2h 3min 4s\n", 7384),
        ("Wall time: 45.3 s\n", 45.3),
        ("Wall time: 850 ms\n", 0.85),
        ("CPU times: user 1min 2s, sys: 3 s, total: 1min 5s\n", 65),
        (
            "TrainOutput(global_step=500, training_loss=0.3, metrics={'train_runtime': 1834.5, 'epoch': 3.0})",
            1834.5,
        ),
        ("accuracy: 0.98\n", None),
        ("", None),
    ],
)
def test_time_magics_and_trainer_runtime(output: str, seconds: float | None) -> None:
    assert run_seconds(output) == (None if seconds is None else pytest.approx(seconds))


# --- Outputs decide, where they time the run ---------------------------------------------------


def check(document: NotebookDocument, **options: int) -> list[str]:
    result = check_document(document, [ENTRY], RuleSettings(options) if options else RuleSettings())
    return [f"{finding.start.label()} {finding.message}" for finding in result.findings]


def test_an_output_of_a_long_run_flags_even_few_epochs() -> None:
    found = check(notebook(("model.fit(x, y, epochs=5)", [stream(keras_log(5, 5, 600))])))
    assert found == [
        "cell 1:1:1 `fit` runs 5 epochs (50 min by its output) with no save a reset keeps: "
        "mount Drive, pass `callbacks=[BackupAndRestore('/content/drive/MyDrive/backup')]`"
    ]


def test_an_output_of_a_short_run_wins_over_what_is_trained() -> None:
    cell = "model.fit(train, epochs=200)"
    assert check(notebook((FOLDERS, []), (cell, []))) != []  # no output: the folders decide
    assert check(notebook((FOLDERS, []), (cell, [stream(keras_log(200, 200, 2))]))) == []


def test_an_interrupted_output_counts_the_epochs_it_did_not_reach() -> None:
    log = keras_log(100, 2, 40) + "KeyboardInterrupt\n"
    assert len(check(notebook(("model.fit(x, y, epochs=100)", [stream(log)])))) == 1  # 67 min


def test_an_output_that_times_nothing_leaves_it_to_what_is_trained() -> None:
    cell = ("model.fit(train, epochs=120)", [stream("training...\ndone\n")])
    assert len(check(notebook((FOLDERS, []), cell))) == 1
    assert check(notebook(cell)) == []


def test_min_minutes_is_an_option() -> None:
    document = notebook(("model.fit(x, y, epochs=5)", [stream(keras_log(5, 5, 120))]))  # 10 min
    assert check(document) == []
    assert len(check(document, **{"min-minutes": 10})) == 1


def test_a_loop_and_a_trainer_are_timed_by_their_output_too() -> None:
    loop = "for epoch in range(20):\n    loss.backward()\n    optimizer.step()"
    bars = "\n".join(["100%|██████████| 938/938 [03:00<00:00, 5.2it/s]"] * 20)
    assert check(notebook((loop, [stream(bars)]))) != []  # 60 min
    assert check(notebook((loop, [stream(bars[:200])]))) == []  # 3 bars: 9 min
    trainer = (
        "trainer = Trainer(model, TrainingArguments('out', save_strategy='no'))\ntrainer.train()"
    )
    runtime = {"output_type": "execute_result", "metadata": {}, "execution_count": 1}
    runtime["data"] = {"text/plain": "TrainOutput(metrics={'train_runtime': 3600.0})"}
    assert check(notebook((trainer, [runtime]))) != []


# --- What is trained, where no output times it -------------------------------------------------


@pytest.mark.parametrize(
    "cells",
    [
        [FOLDERS, "model.fit(train, epochs=100)"],
        [
            "gen = ImageDataGenerator().flow_from_directory('data/train')",
            "model.fit_generator(gen, epochs=150)",
        ],
        [
            "base = tf.keras.applications.ResNet50(weights='imagenet')",
            "EPOCHS = 100",
            "model.fit(ds, epochs=EPOCHS)",
        ],
        [
            "train = torchvision.datasets.ImageNet('/data', split='train')",
            "model.fit(train, epochs=1)",
        ],
        ["ds = tfds.load('coco/2017', split='train')", "model.fit(ds, epochs=3)"],
        ["model.fit(ds, epochs=100, steps_per_epoch=1000)"],
        ["STEPS_PER_EPOCH = 2000", "model.fit(ds, epochs=50, steps_per_epoch=STEPS_PER_EPOCH)"],
        [
            "model = AutoModelForCausalLM.from_pretrained('gpt2')",
            "for epoch in range(100):\n    loss.backward()\n    optimizer.step()",
        ],
        [
            "model = AutoModel.from_pretrained('bert')",
            "trainer = pl.Trainer(max_epochs=3, enable_checkpointing=False)",
        ],
    ],
)
def test_flagged_on_what_is_trained(cells: list[str]) -> None:
    assert len(labels(cells)) == 1, cells


@pytest.mark.parametrize(
    "cells",
    [
        ["model.fit(x, y, epochs=500)"],  # nothing says the run is long
        ["(x, y), _ = keras.datasets.cifar10.load_data()", "model.fit(x, y, epochs=50)"],
        [
            "(x, y), _ = keras.datasets.imdb.load_data(num_words=10000)",
            "model.fit(x, y, epochs=40)",
        ],
        ["(x, y), _ = keras.datasets.mnist.load_data()", "model.fit(x, y, epochs=100)"],
        [FOLDERS, "model.fit(train, epochs=99)"],  # below min-epochs
        [FOLDERS, "model.fit(train, epochs=120, initial_epoch=30)"],  # 90 epochs left
        ["model.fit(ds, epochs=99, steps_per_epoch=1000)"],  # 99,000 steps
        [
            FOLDERS,
            "x = [[0, 0], [0, 1], [1, 0], [1, 1]]\nmodel.fit(x, [0, 1, 1, 0], epochs=5000)",
        ],
        [FOLDERS, "model.fit(tf.constant([[1.0], [2.0]]), y, epochs=5000, steps_per_epoch=1000)"],
        ["model.fit(x, y, epochs=int(sys.argv[1]))"],
        ["for epoch in range(500):\n    loss.backward()\n    opt.step()"],  # nothing large
        [FOLDERS, "for step in range(steps_per_epoch):\n    loss.backward()"],
        [FOLDERS, "for epoch in range(500):\n    state, reward, done, _ = env.step(action)"],
        [FOLDERS, "for epoch in range(500):\n    sgd_reg.fit(X, y)"],  # scikit-learn warm start
        [FOLDERS, "for epoch in range(start_epoch, 500):\n    loss.backward()"],  # resumes: unknown
        ["model = AutoModel.from_pretrained('bert')", "trainer = pl.Trainer(max_epochs=100)"],
        [
            "model = AutoModel.from_pretrained('bert')",
            "trainer = Trainer(model=model, args=TrainingArguments('out', save_strategy='epoch'))",
        ],
        ["trainer = Trainer(model, TrainingArguments('out', save_strategy='no'))"],  # nothing large
        ["tokenizer_trainer = trainers.BpeTrainer(vocab_size=25000)"],
    ],
)
def test_not_flagged(cells: list[str]) -> None:
    assert labels(cells) == [], cells


def test_min_epochs_is_an_option_a_configuration_can_set() -> None:
    cells = [FOLDERS, "model.fit(train, epochs=20)"]
    assert labels(cells) == []
    document = document_from_cells(cells, "notebook")
    result = check_document(document, [ENTRY], RuleSettings({"min-epochs": 20}))
    assert [finding.start.label() for finding in result.findings] == ["cell 2:1:1"]


def test_seed_004_keras_mnist_is_short() -> None:
    """The seed post's script: MNIST for 12 epochs, which Colab trains in about a minute."""
    source = (
        "(x_train, y_train), (x_test, y_test) = mnist.load_data()\n"
        "batch_size = 128\nnum_classes = 10\nepochs = 12\n\n"
        "model.fit(x_train, y_train,\n          batch_size=batch_size,\n          epochs=epochs,\n"
        "          verbose=1,\n          validation_data=(x_test, y_test))\n"
    )
    assert labels([source], "script") == []
    assert labels(
        [
            source.replace("epochs = 12", "epochs = 12\nsteps = 10000").replace(
                "verbose=1", "steps_per_epoch=steps"
            )
        ],
        "script",
    ) == ["7:1"]


# --- Where the checkpoint goes ------------------------------------------------------------------

LONG = "model.fit(ds, epochs=100, steps_per_epoch=1000, callbacks={})"


@pytest.mark.parametrize(
    ("cells", "path"),
    [
        (
            [LONG.format("[keras.callbacks.ModelCheckpoint('/content/ckpt/best.keras')]")],
            "/content/ckpt/best.keras",
        ),
        (
            [LONG.format("[ModelCheckpoint(filepath='best.keras', save_best_only=True)]")],
            "best.keras",
        ),
        (
            [LONG.format("[BackupAndRestore(backup_dir='/tmp/backup'), EarlyStopping()]")],
            "/tmp/backup",
        ),
        (
            [
                "checkpoint_path = 'training_1/cp-{epoch:04d}.ckpt'",
                LONG.format("[ModelCheckpoint(checkpoint_path)]"),
            ],
            "training_1/cp-{epoch:04d}.ckpt",
        ),
        (
            [
                "ckpt_root = '/content/runs'",
                LONG.format("[ModelCheckpoint(f'{ckpt_root}/m.keras')]"),
            ],
            "/content/runs",
        ),
        (
            [
                "ckpt_root = '/content'",
                LONG.format("[ModelCheckpoint(os.path.join(ckpt_root, 'x'))]"),
            ],
            "/content",
        ),
        (["%cd /content/work", LONG.format("[ModelCheckpoint('best.keras')]")], "best.keras"),
    ],
)
def test_a_checkpoint_a_reset_wipes_is_flagged_with_its_own_message(
    cells: list[str], path: str
) -> None:
    (message,) = messages(cells)
    assert f"but saves to `{path[:27]}" in message
    assert "which a reset wipes: mount Drive, save under /content/drive/MyDrive" in message


def test_a_loop_saving_only_under_content_is_flagged() -> None:
    loop = "for epoch in range(100):\n    loss.backward()\n    optimizer.step()\n    torch.save(model.state_dict(), '/content/model.pt')"
    (message,) = messages([FOLDERS, loop])
    assert message.startswith(
        "this 100-epoch training loop (on image folders) but saves to `/content/model.pt`"
    )


@pytest.mark.parametrize(
    "cells",
    [
        [LONG.format("[ModelCheckpoint('/content/drive/MyDrive/best.keras')]")],
        [LONG.format("[ModelCheckpoint('drive/MyDrive/best.keras')]")],  # relative to /content
        ["drive.mount('/ncc')", LONG.format("[BackupAndRestore('/ncc/MyDrive/backup')]")],
        [
            "drive.mount('/gdrive')",
            "backup_dir = Path('/gdrive/MyDrive') / 'run'",
            LONG.format("[BackupAndRestore(str(backup_dir / 'b'))]"),
        ],
        [
            "ckpt_root = '/content/drive/MyDrive/x'",
            LONG.format("[ModelCheckpoint(ckpt_root + '/b.keras')]"),
        ],
        [
            LONG.format("[ModelCheckpoint('{}/best.keras'.format(DRIVE_DIR))]")
        ],  # unknown: benefit of the doubt
        [LONG.format("[ModelCheckpoint(f'gs://{bucket}/best.keras')]")],
        [
            LONG.format(
                "[ModelCheckpoint('/content/tmp.keras'), BackupAndRestore('/content/drive/MyDrive/b')]"
            )
        ],
        [
            "os.chdir('/content/drive/MyDrive/project')",
            LONG.format("[ModelCheckpoint('best.keras')]"),
        ],
        ["os.chdir(project_dir)", LONG.format("[ModelCheckpoint('best.keras')]")],  # cwd unknown
        [LONG.format("[ModelCheckpoint('/home/me/best.keras')]")],  # a laptop's path: other rules
        [LONG.format("make_callbacks()")],
        [LONG.format("[*extra]")],
        [
            "class Saver(keras.callbacks.Callback):\n    def on_epoch_end(self, epoch, logs):\n        self.model.save_weights(PATH)",
            LONG.format("[Saver()]"),
        ],
        [FOLDERS, "for epoch in range(100):\n    loss.backward()\n    ckpt_manager.save()"],
        [
            FOLDERS,
            "for epoch in range(100):\n    loss.backward()\n    torch.save(model.state_dict(), f'{OUT}/m.pt')",
        ],
    ],
)
def test_a_checkpoint_a_reset_keeps(cells: list[str]) -> None:
    assert labels(cells) == [], cells


@pytest.mark.parametrize(
    "cells",
    [
        [LONG.format("None")],
        [LONG.format("[]")],
        [
            "cbs = [keras.callbacks.EarlyStopping(), tf.keras.callbacks.ReduceLROnPlateau()]",
            LONG.format("cbs"),
        ],
        [
            "class PrintDot(keras.callbacks.Callback):\n    def on_epoch_end(self, epoch, logs):\n        print('.', end='')",
            LONG.format("[PrintDot()]"),
        ],
    ],
)
def test_callbacks_that_save_nothing(cells: list[str]) -> None:
    (message,) = messages(cells)
    assert "with no save a reset keeps" in message


# --- The advice --------------------------------------------------------------------------------


def test_the_advice_uses_the_notebooks_own_mount_point() -> None:
    (message,) = messages(
        ["from google.colab import drive\ndrive.mount('/ncc')", LONG.format("[]")]
    )
    assert message == (
        "`fit` runs 100 epochs (1,000 steps an epoch) with no save a reset keeps: "
        "pass `callbacks=[BackupAndRestore('/ncc/MyDrive/backup')]`"
    )
    (wiped,) = messages(
        ["drive.mount('/ncc/')", LONG.format("[ModelCheckpoint('/content/x.keras')]")]
    )
    assert wiped.endswith("which a reset wipes: save under /ncc/MyDrive")


def test_without_a_mount_the_advice_says_to_mount_the_default() -> None:
    (message,) = messages([LONG.format("[]")])
    assert (
        "mount Drive, pass `callbacks=[BackupAndRestore('/content/drive/MyDrive/backup')]`"
        in message
    )


def test_messages_stay_short() -> None:
    """Every kind of finding, with the longest evidence and advice, stays near 160 characters;
    the recipe is in the catalog's fix note."""
    long_output = [stream(keras_log(40, 40, 345))]
    cases = [
        notebook(("model.fit_generator(gen, epochs=40)", long_output)),
        notebook((FOLDERS, []), ("model.fit_generator(gen, epochs=1000)", [])),
        notebook(
            ("m = AutoModel.from_pretrained('x')", []),
            ("for epoch in range(5000):\n    loss.backward()", []),
        ),
        notebook(
            ("m = AutoModel.from_pretrained('x')", []),
            ("t = Seq2SeqTrainer(m, Seq2SeqTrainingArguments('o', save_strategy='no'))", []),
        ),
        notebook(
            ("m = AutoModel.from_pretrained('x')", []),
            ("t = pl.Trainer(enable_checkpointing=False)", []),
        ),
        notebook(
            (
                LONG.format(
                    "[ModelCheckpoint('/content/checkpoints/a_long_model_name_{epoch:03d}.keras')]"
                ),
                [],
            )
        ),
    ]
    found = [message for document in cases for message in check(document)]
    assert len(found) == len(cases)
    lengths = [len(message.split(" ", 2)[2]) for message in found]
    assert all(length <= 170 for length in lengths), list(zip(lengths, found, strict=True))
