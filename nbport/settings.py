"""The project's settings for the rules: the values it gives their catalog-declared options."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nbport.catalog import CatalogEntry


@dataclass(frozen=True)
class RuleSettings:
    """The project's values of the rules' options (`min-epochs = 5`), by option name.

    An option the project does not set has the default its catalog entry declares, so callers
    that pass nothing see exactly the behaviour the catalog examples test.
    """

    values: Mapping[str, Any] = field(default_factory=dict)

    def options(self, entry: CatalogEntry) -> Mapping[str, Any]:
        """Each option of `entry`'s rule with its value: the project's, else the default."""
        return {
            option.name: self.values.get(option.name, option.default) for option in entry.options
        }


#: No project settings: every rule keeps its default.
DEFAULT_SETTINGS = RuleSettings()
