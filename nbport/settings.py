"""The project's settings for the rules: the values it gives their catalog-declared options."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nbport.catalog import CatalogEntry
    from nbport.runtime import ColabRuntime

#: `nbport.runtime.DEFAULT_RUNTIME`, spelled out: a run whose rules never ask for the runtime does
#: not import `nbport.runtime` at all (tests check that the two agree).
DEFAULT_RUNTIME = "latest"


@dataclass(frozen=True)
class RuleSettings:
    """The project's values of the rules' options (`min-epochs = 5`), by option name, and the
    Colab runtime the rules judge against (`colab-runtime`).

    An option the project does not set has the default its catalog entry declares, so callers
    that pass nothing see exactly the behaviour the catalog examples test.
    """

    values: Mapping[str, Any] = field(default_factory=dict)
    #: A name of `nbport.runtime.runtime_names()`: `latest`, or a past runtime (`2025.07`).
    colab_runtime: str = DEFAULT_RUNTIME

    @property
    def runtime(self) -> ColabRuntime:
        """The Colab runtime, read from the shipped table on first use (not before)."""
        from nbport.runtime import load_runtime

        return load_runtime(self.colab_runtime)

    def options(self, entry: CatalogEntry) -> Mapping[str, Any]:
        """Each option of `entry`'s rule with its value: the project's, else the default."""
        return {
            option.name: self.values.get(option.name, option.default) for option in entry.options
        }


#: No project settings: every rule keeps its default.
DEFAULT_SETTINGS = RuleSettings()
