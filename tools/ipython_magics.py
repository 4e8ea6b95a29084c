"""Produce `nbport/ipython_magics.json`: the line magics IPython's automagic can reach, by version.

IPython runs a one-line cell such as `pip install requests` as the line magic `%pip` (automagic, on by
default): nbport must read it the same way (`nbport.escapes`). Which words are magics is read off a
real kernel shell, never typed by hand: every line magic a Jupyter kernel's shell
(`ipykernel.zmqshell.ZMQInteractiveShell`, or IPython's own `InteractiveShell` when ipykernel is
missing) registers at start, its shell aliases included (`ls`, `cat`, `mkdir`...: IPython defines
them on POSIX systems, as Colab's Linux is), less those that the shell's own names shadow
(IPython's `is_shadowed`: builtins, keywords, names in a new user namespace), which automagic never
reaches.

Each run adds (or replaces) the entry of the IPython it runs with, so the file can hold Colab's
kernel and a current one. Neither IPython nor ipykernel is a dependency of nbport: install them in a
virtualenv of their own and run this script with that interpreter, from the repository root:

    python3 -m venv /tmp/colab-kernel
    /tmp/colab-kernel/bin/pip install ipython==7.34.0 ipykernel==6.17.1   # Colab's, see ../shared
    /tmp/colab-kernel/bin/python tools/ipython_magics.py nbport/ipython_magics.json
    python3 -m venv /tmp/kernel
    /tmp/kernel/bin/pip install ipython ipykernel
    /tmp/kernel/bin/python tools/ipython_magics.py nbport/ipython_magics.json

The file holds: ipython_magics.json = {"generated_by", "platform", "shells": [{"ipython",
"ipykernel", "python", "line_magics"}]}. The script imports nothing from nbport. Run it again when
Colab moves to another IPython.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any


def kernel_shell() -> tuple[Any, str | None]:
    """A kernel's shell as Jupyter starts one, and the ipykernel version (None without it)."""
    try:
        import ipykernel
        from ipykernel.zmqshell import ZMQInteractiveShell
    except ImportError:
        from IPython.core.interactiveshell import InteractiveShell

        return InteractiveShell.instance(), None
    return ZMQInteractiveShell.instance(), ipykernel.__version__


def reachable_line_magics(shell: Any) -> list[str]:
    """The line magics (aliases included) that automagic can run: not shadowed by a name."""
    from IPython.core.prefilter import is_shadowed

    names = shell.magics_manager.magics["line"]
    return sorted(name for name in names if not is_shadowed(name, shell))


def main(output: Path) -> None:
    """Add the running IPython's entry to `output` (made if missing), keeping the others."""
    import IPython

    shell, ipykernel_version = kernel_shell()
    entry = {
        "ipython": IPython.__version__,
        "ipykernel": ipykernel_version,
        "python": ".".join(str(part) for part in sys.version_info[:3]),
        "line_magics": reachable_line_magics(shell),
    }
    shells: list[dict[str, Any]] = []
    if output.exists():
        shells = json.loads(output.read_text(encoding="utf-8"))["shells"]
    shells = [item for item in shells if item["ipython"] != entry["ipython"]]
    shells.append(entry)
    shells.sort(key=lambda item: [int(part) for part in re.findall(r"\d+", item["ipython"])[:3]])
    document = {
        "generated_by": "tools/ipython_magics.py",
        "platform": sys.platform,
        "shells": shells,
    }
    output.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    print(f"{output}: IPython {entry['ipython']}: {len(entry['line_magics'])} line magics")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tools/ipython_magics.py OUTPUT.json")
    main(Path(sys.argv[1]))
