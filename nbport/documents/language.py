"""Which language a notebook, or one of its code cells, is written in, as its metadata says.

nbport reads Python only. A notebook for another kernel (R, Julia, Swift, bash...) is skipped as a
whole (`nbport.documents.base.NotPython`), and a code cell that VS Code marks as another language
(`metadata.vscode.languageId`) is left alone the way a `%%bash` cell is: neither is ever parsed as
Python, fixed, or passed as clean Python.

A notebook's language is the first of these that names one:

1. `metadata.kernelspec.language`, which Jupyter copies from the kernel's `kernel.json`;
2. `metadata.language_info.name`, which the kernel itself reports once it has run;
3. `metadata.jupytext.main_language`, which jupytext writes for a notebook made from a script
   when no kernel says (`read.csv` in a notebook made from an `.R` file);
4. `metadata.kernelspec.name`, when it is the name of a known kernel for another language: Colab
   writes `{"name": "ir", "display_name": "R"}` and `{"name": "swift", ...}` without a language.

Kernel names are free (`python -m ipykernel install --name tf2`), so a name nbport does not know
says nothing, and a notebook about which nothing says anything is Python, as Jupyter assumes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

#: Language names that mean Python: `python`, `Python 3`, `python3.11`, `ipython3`, and `pyspark`,
#: the `language_info.name` of sparkmagic's PySpark kernel.
PYTHON_LANGUAGE = re.compile(r"(?:i?python|pyspark)\s*[0-9.]*", re.IGNORECASE)

#: Kernel names (lowercased, as Jupyter stores kernel folders) of kernels for other languages, as
#: their installers name them, with the language to show. A name is matched whole.
_OTHER_KERNELS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), language)
    for pattern, language in (
        # IRkernel (`IRkernel::installspec(name = "ir43")`), xeus-r, sparkmagic's SparkR.
        (r"ir\d*|xr|sparkrkernel", "R"),
        # IJulia: `julia-1.9`, `julia-1.10`, `julia-1.9-threads`.
        (r"julia(?:-[\w.]+)*", "Julia"),
        # xeus-cling: `xcpp11`, `xcpp14`, `xcpp17`.
        (r"xcpp\d*(?:-[\w.]+)*", "C++"),
        (r"swift", "Swift"),  # swift-jupyter, Colab's Swift runtime
        (r"bash|calysto_bash", "bash"),
        (r"javascript|jslab|xjavascript", "JavaScript"),  # IJavascript, tslab, xeus-javascript
        (r"tslab|deno", "TypeScript"),
        # almond (`scala`, `scala213`), sparkmagic's Spark, Apache Toree, spylon.
        (r"scala\d*|sparkkernel|apache_toree_scala|spylon-kernel", "Scala"),
        (r"java", "Java"),  # IJava
        (r"kotlin", "Kotlin"),
        (r"gophernotes", "Go"),
        (r"rust", "Rust"),  # evcxr
        (r"\.net-csharp", "C#"),  # .NET Interactive
        (r"\.net-fsharp", "F#"),
        (r"\.net-powershell", "PowerShell"),
        (r"ruby\d*", "Ruby"),  # IRuby
        (r"octave|xoctave", "Octave"),
        (r"matlab|jupyter_matlab_kernel|imatlab", "MATLAB"),
        (r"sas", "SAS"),
        (r"stata|nbstata", "Stata"),
        (r"sagemath(?:-[\w.]+)*", "SageMath"),
        (r"wolframlanguage[\w.]*", "Wolfram Language"),
        (r"haskell", "Haskell"),  # IHaskell
        (r"xlua", "Lua"),
        (r"xsqlite", "SQL"),
        (r"sos", "SoS"),  # Script of Scripts: a notebook of several kernels
    )
)
#: nb_conda_kernels names a kernel `conda-env-<environment>-<kernel>` (`conda-root-<kernel>` for
#: the base environment), with `py` for `python3` and `r` for `ir`.
_CONDA_KERNEL = re.compile(r"conda-(?:root|base|env)-.+")


def notebook_language(metadata: Any) -> str | None:
    """The language of a notebook with top-level `metadata`, as the metadata names it, when it is
    not Python; None for a Python notebook, and for one whose metadata does not say."""
    if not isinstance(metadata, Mapping):
        return None
    for section_key, key in (
        ("kernelspec", "language"),
        ("language_info", "name"),
        ("jupytext", "main_language"),
    ):
        named = _string_at(metadata, section_key, key)
        if named is not None:
            return None if PYTHON_LANGUAGE.fullmatch(named) else named
    name = _string_at(metadata, "kernelspec", "name")
    return None if name is None else kernel_name_language(name)


def kernel_name_language(name: str) -> str | None:
    """The language of the kernel called `name` when it is a known kernel for another language
    (`ir` → `R`, `julia-1.9` → `Julia`); None for a Python kernel and for a name nbport does not
    know (`python3`, `conda-env-x-py`, `pysparkkernel`, `tf2`)."""
    name = name.strip().lower()
    if _CONDA_KERNEL.fullmatch(name):
        # The environment's name may hold dashes too: the kernel is the shortest known tail.
        parts = name.split("-")
        for start in range(len(parts) - 1, 1, -1):
            tail = "-".join(parts[start:])
            if tail == "py":
                return None
            if tail == "r":
                return "R"
            language = _other_kernel(tail)
            if language is not None:
                return language
        return None
    return _other_kernel(name)


def cell_language(cell: Mapping[str, Any]) -> str | None:
    """The language VS Code marks a code cell as (`metadata.vscode.languageId`) when it is not
    Python (`javascript`, `r`, `plaintext`); None for a Python cell and for one it does not mark."""
    language = _string_at(cell, "metadata", "vscode", "languageId")
    if language is None or PYTHON_LANGUAGE.fullmatch(language):
        return None
    return language


def _other_kernel(name: str) -> str | None:
    for pattern, language in _OTHER_KERNELS:
        if pattern.fullmatch(name):
            return language
    return None


def _string_at(mapping: Mapping[str, Any], *keys: str) -> str | None:
    """The non-blank string at the path `keys` in nested objects (stripped), else None."""
    value: Any = mapping
    for key in keys:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None
