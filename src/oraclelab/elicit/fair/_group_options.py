"""The data options plus a sensitive column: one declaration of ``--groups`` for every command on grouped data."""

from __future__ import annotations

from dataclasses import dataclass

from oraclelab._config import option
from oraclelab.elicit._data_options import DataOptions
from oraclelab.elicit.fair._group_data import GroupedRateSpace, group_column, grouped_rate_space
from oraclelab.errors import ParameterError

__all__ = ["GroupedDataOptions"]


@dataclass(frozen=True)
class GroupedDataOptions(DataOptions):
    """``DataOptions`` and ``groups``, the sensitive column whose values split the rows into groups."""

    groups: str | None = option(None, help="Sensitive feature column: a column of --data, or a feature of --dataset "
                                           "binarised at its median (e.g. 'mean radius' of breast_cancer).")

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.groups is not None and not str(self.groups).strip():
            raise ParameterError(f"The 'groups' parameter of {self.OWNER} names a column; got an empty name.")

    def data_dict(self) -> dict:
        return {**super().data_dict(), "groups": self.groups}

    def grouped_space(self, seed: int) -> tuple[GroupedRateSpace, list[str]]:
        """The per-group rate spaces (each group's rows split into fit and held out, seeded) and every row's group."""
        data = self.load(seed)
        values = group_column(self, self.groups, data, seed)
        space = grouped_rate_space(data, values, self.groups, held_out=self.held_out, margin=self.margin, seed=seed)
        return space, values
