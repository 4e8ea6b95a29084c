"""NBP302: epochs, callbacks and loops resolved across cells; the threshold is an option."""

from __future__ import annotations

import pytest
from conftest import finding_labels

from nbport.catalog import catalog_dir, parse_entry
from nbport.documents import document_from_cells
from nbport.engine import check_document
from nbport.settings import RuleSettings

ENTRY = parse_entry(catalog_dir() / "NBP302-no-checkpoint.toml")


def labels(cells: list[str], layout: str = "notebook") -> list[str]:
    return finding_labels(ENTRY, cells, layout)


@pytest.mark.parametrize(
    "cells",
    [
        ["model.fit(x, y, epochs=20)"],
        ["history = model.fit_generator(gen, steps_per_epoch=100, epochs=40)"],
        ["N_EPOCHS, BATCH = 30, 64", "model.fit(x, y, batch_size=BATCH, epochs=N_EPOCHS)"],
        ["EPOCHS = 5", "model.fit(x, y, epochs=EPOCHS * 4)"],
        ["model.fit(x, y, epochs=30, callbacks=None)"],
        [
            "cbs = [keras.callbacks.EarlyStopping(), tf.keras.callbacks.ReduceLROnPlateau()]",
            "model.fit(x, y, epochs=30, callbacks=cbs)",
        ],
        [
            "class PrintDot(keras.callbacks.Callback):\n    def on_epoch_end(self, epoch, logs):\n        print('.', end='')",
            "model.fit(x, y, epochs=1000, callbacks=[PrintDot()])",
        ],
        ["def train(model):\n    epochs = 50\n    model.fit(x, y, epochs=epochs)"],
        [
            "for epoch in tqdm(range(1, EPOCHS + 1)):\n    loss.backward()\n    opt.step()",
        ],
        ["for epoch in trange(20):\n    optimizer.zero_grad()\n    loss.backward()"],
        [
            "num_epochs = 15",
            "for i in range(num_epochs):\n    grads = tape.gradient(loss, model.trainable_variables)\n    optimizer.apply_gradients(zip(grads, model.trainable_variables))",
        ],
        ["trainer = pl.Trainer(max_epochs=100, enable_checkpointing=False)"],
        [
            "args = Seq2SeqTrainingArguments(output_dir='out', save_strategy=IntervalStrategy.NO)\ntrainer = Seq2SeqTrainer(model, args)"
        ],
    ],
)
def test_flagged(cells: list[str]) -> None:
    if cells[0].startswith("for epoch in tqdm"):
        cells = ["EPOCHS = 20", *cells]
    assert len(labels(cells)) == 1, cells


@pytest.mark.parametrize(
    "cells",
    [
        ["model.fit(x, y, epochs=9)"],
        ["model.fit(x, y, epochs=epochs)"],  # not bound to a literal anywhere seen
        ["model.fit(x, y, epochs=int(sys.argv[1]))"],
        ["model.fit(x, y, epochs=20, initial_epoch=15)"],  # five epochs left
        [
            "cb = tf.keras.callbacks.BackupAndRestore(backup_dir='/tmp/backup')",
            "model.fit(x, y, epochs=30, callbacks=[cb])",
        ],
        ["model.fit(x, y, epochs=30, callbacks=[*extra])"],
        ["model.fit(x, y, epochs=30, callbacks=make_callbacks())"],
        [
            "class Saver(keras.callbacks.Callback):\n    def on_epoch_end(self, epoch, logs):\n        self.model.save_weights('w.h5')",
            "model.fit(x, y, epochs=30, callbacks=[Saver()])",
        ],
        ["for epoch in range(100):\n    loss.backward()\n    opt.step()\n    ckpt_manager.save()"],
        ["for epoch in range(100):\n    loss.backward()\n    save_checkpoint(model, epoch)"],
        ["for epoch in range(5):\n    loss.backward()"],
        ["for epoch in range(start_epoch, 100):\n    loss.backward()"],  # resumes: start unknown
        ["for step in range(steps_per_epoch):\n    loss.backward()"],
        ["for epoch in range(100):\n    state, reward, done, _ = env.step(action)"],
        ["for epoch in range(100):\n    sgd_reg.fit(X, y)"],  # scikit-learn warm start
        ["trainer = Trainer(model=model, args=TrainingArguments('out', save_strategy='epoch'))"],
        ["trainer = pl.Trainer(max_epochs=100)"],
        ["tokenizer_trainer = trainers.BpeTrainer(vocab_size=25000)"],
    ],
)
def test_not_flagged(cells: list[str]) -> None:
    assert labels(cells) == [], cells


def test_minimum_epochs_is_an_option_a_configuration_can_set() -> None:
    cells = ["model.fit(x, y, epochs=5)"]
    assert labels(cells) == []
    document = document_from_cells(cells, "notebook")
    result = check_document(document, [ENTRY], RuleSettings({"min-epochs": 3}))
    assert [finding.start.label() for finding in result.findings] == ["cell 1:1:1"]


def test_messages_name_the_run_and_the_remedy() -> None:
    result = check_document(
        document_from_cells(
            ["model.fit(x, y, epochs=50)", "for epoch in range(20):\n    loss.backward()"],
            "notebook",
        ),
        [ENTRY],
    )
    fit, loop = (finding.message for finding in result.findings)
    assert "50 epochs" in fit and "BackupAndRestore" in fit and "12 hours" in fit
    assert "20-epoch" in loop and "torch.save" in loop


def test_seed_004_keras_mnist() -> None:
    """The seed post's script: `epochs = 12` and a `fit` without callbacks, as a plain script."""
    source = (
        "batch_size = 128\nnum_classes = 10\nepochs = 12\n\n"
        "model.fit(x_train, y_train,\n          batch_size=batch_size,\n          epochs=epochs,\n"
        "          verbose=1,\n          validation_data=(x_test, y_test))\n"
        "score = model.evaluate(x_test, y_test, verbose=0)\n"
    )
    assert labels([source], "script") == ["5:1"]
