"""A batch of functions on a shared point set: values and input gradients, the unit every critic judges."""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class FunctionBatch:
    """Functions on a shared point set.

    Attributes
    ----------
    values : Tensor of shape (B, P).
    gradients : Tensor of shape (B, P, d).
    """

    values: torch.Tensor
    gradients: torch.Tensor

    def __len__(self) -> int:
        return self.values.shape[0]

    def to(self, device: torch.device | str) -> "FunctionBatch":
        return FunctionBatch(self.values.to(device), self.gradients.to(device))

    def __getitem__(self, index) -> "FunctionBatch":
        return FunctionBatch(self.values[index], self.gradients[index])

    @staticmethod
    def cat(batches: list["FunctionBatch"]) -> "FunctionBatch":
        return FunctionBatch(torch.cat([b.values for b in batches]), torch.cat([b.gradients for b in batches]))
