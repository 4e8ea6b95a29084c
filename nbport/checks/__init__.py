"""One module per rule, named after the rule (`shell-cd` → `shell_cd.py`), imported on first use."""
