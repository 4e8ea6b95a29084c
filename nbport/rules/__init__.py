"""The rules: one module per catalog entry (`rules/NBP001-shell-cd.toml` → `shell_cd.py`), and the
kernel they share beside them (`KERNEL_MODULES`)."""

#: Modules of this package that hold no rule: the kernel's bases and the readers rules share.
KERNEL_MODULES = frozenset(
    {
        "base",
        "calls",
        "colab_metadata",
        "concrete",
        "fixes",
        "guards",
        "imports",
        "installs",
        "names",
        "pip",
        "removed_names",
        "repository",
        "run_time",
        "shell",
        "stdlib",
        "strings",
        "tables",
        "tf_api",
        "tf_graph",
        "tokens",
        "unit",
        "values",
    }
)
