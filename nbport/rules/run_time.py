"""How long a training run took, by what its notebook cell printed when it last ran.

Read from a cell's stored output text (`OutputDocument.unit_output_text`): Keras's `fit` progress
lines, tqdm bars, `%time`/`%%time` and a Hugging Face Trainer's `train_runtime`. Used by NBP302
(no-checkpoint) to tell a two-hour run from a toy that trains in seconds.
"""

from __future__ import annotations

import re

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_EPOCH = re.compile(r"^\s*Epoch\s+(\d+)\s*/\s*(\d+)\s*$")
_EARLY_STOP = re.compile(r"early stopping", re.IGNORECASE)
_KERAS_TIME = re.compile(
    r"(?:\]|━|\d|^)\s*-?\s*(?:(?P<h>\d+)h\s*)?(?:(?P<m>\d+)m(?:in)?\s*)?(?P<s>\d+)s"
    r"(?:\s+(?P<per>\d+(?:\.\d+)?)(?P<unit>ms|us|µs|s)/(?:step|sample))?(?:\s+-|\s*$)"
)
_COUNT = re.compile(r"^\s*(\d+)/(\d+)\b")
_TQDM = re.compile(
    r"\d+%\|[^|\n]*\|\s*(\d+(?:\.\d+)?[kM]?)/(\d+(?:\.\d+)?[kM]?)\s*\[(?:(\d+):)?(\d+):(\d+)<"
)
_WALL = re.compile(r"Wall time:\s*([^\n]+)")
_CPU_TOTAL = re.compile(r"CPU times:[^\n]*total:\s*([^\n]+)")
_HF_RUNTIME = re.compile(r"'train_runtime':\s*(\d+(?:\.\d+)?)")
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(h|min|s|ms|µs|us|ns)\b")
_UNITS = {"h": 3600.0, "min": 60.0, "s": 1.0, "ms": 1e-3, "µs": 1e-6, "us": 1e-6, "ns": 1e-9}


def run_seconds(output: str) -> float | None:
    """How long the training a cell's stored output shows takes, in seconds, or None when the
    output times nothing: the longest of the Keras progress lines' estimate, the tqdm bars' and
    what `%%time` (or a Hugging Face `train_runtime`) measured."""
    if not output:
        return None
    lines = [_last_state(line) for line in output.split("\n")]
    found = [keras_seconds(lines), tqdm_seconds(lines), timed_seconds(output)]
    return max((seconds for seconds in found if seconds is not None), default=None)


def _last_state(line: str) -> str:
    """What a line shows last: a progress bar redrawn with `\\r` or backspaces keeps its last state."""
    line = _ANSI.sub("", line).rstrip("\r")  # Keras 3 colours its progress bar
    if "\r" in line:
        line = line.rsplit("\r", 1)[1]
    if "\b" in line:
        line = re.split("\b+", line)[-1]
    return line


def keras_seconds(lines: list[str]) -> float | None:
    """The runs Keras's `fit` printed (`Epoch 3/50` then `469/469 [===] - 12s 25ms/step - ...`):
    for each run, its mean epoch time times its epochs; the planned epochs where the output stops
    early (interrupted), the epochs run where Keras says it stopped early."""
    runs: list[tuple[list[int], list[float]]] = []  # ([planned, last seen], epoch seconds)
    for line in lines:
        if epoch := _EPOCH.match(line):
            seen, planned = int(epoch[1]), int(epoch[2])
            if not runs or seen <= runs[-1][0][1] or planned != runs[-1][0][0]:
                runs.append(([planned, seen], []))
            runs[-1][0][1] = seen
        elif runs and _EARLY_STOP.search(line):
            runs[-1][0][0] = runs[-1][0][1]
        elif runs and "ETA" not in line and (time := _KERAS_TIME.search(line)):
            count = _COUNT.match(line)
            if count and count[1] != count[2]:
                continue  # an epoch's progress, not its end
            seconds = float(int(time["h"] or 0) * 3600 + int(time["m"] or 0) * 60 + int(time["s"]))
            if time["per"] and count:  # `0s 5ms/step` of 2 steps: the step time is finer
                per_step = (
                    float(time["per"]) * _UNITS["us" if time["unit"] == "µs" else time["unit"]]
                )
                seconds = max(seconds, per_step * int(count[2]))
            runs[-1][1].append(seconds)
    timed = [(bounds[0], times) for bounds, times in runs if times]
    return sum(sum(times) / len(times) * planned for planned, times in timed) if timed else None


def _count(text: str) -> float:
    return float(text.rstrip("kM")) * {"k": 1e3, "M": 1e6}.get(text[-1], 1.0)


def tqdm_seconds(lines: list[str]) -> float | None:
    """The sum of the elapsed times of the tqdm bars shown (`938/938 [01:23<00:00, ...]`), a bar
    left part-way scaled up to its total."""
    total, seen = 0.0, False
    for line in lines:
        if not (bars := _TQDM.findall(line)):
            continue
        done, planned, hours, minutes, seconds = bars[-1]
        elapsed = float(int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds))
        if 0 < _count(done) < _count(planned):
            elapsed *= _count(planned) / _count(done)
        total, seen = total + elapsed, True
    return total if seen else None


def timed_seconds(output: str) -> float | None:
    """What `%time`/`%%time` printed (`Wall time: 2h 3min 4s`; the CPU total where no wall time
    is shown), or the `train_runtime` a Hugging Face Trainer reported."""
    for pattern in (_WALL, _CPU_TOTAL, _HF_RUNTIME):
        if found := pattern.findall(output):
            if pattern is _HF_RUNTIME:
                return sum(float(value) for value in found)
            return sum(_seconds_of(value) for value in found)
    return None


def _seconds_of(text: str) -> float:
    """`2h 3min 4s`, `45.3 s`, `850 ms` in seconds."""
    return sum(float(value) * _UNITS[unit] for value, unit in _PART.findall(text))
