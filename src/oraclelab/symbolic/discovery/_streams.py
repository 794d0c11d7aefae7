"""The named random streams of one discovery run, all derived from its seed.

Every consumer asks for its stream by name ("model init", ("latent sr", k), ...), so seed 0's
latent 1 and seed 1's latent 0 draw from unrelated states (they shared ``seed + k`` before),
and nothing touches torch's or numpy's global RNG. The streams a run used are recorded, so
a run can show which states it drew from.
"""

from __future__ import annotations

import torch

from oraclelab.runs import stream_seed
from oraclelab.symbolic.sampling import torch_generator


class RunStreams:
    """Hands out the named streams of ``seed`` and remembers each one's state.

    ``used()`` maps each stream's name to its state: the pyoperon / template-fit seed of an
    integer stream, the initial seed of a torch generator. ``prefix`` names a family of
    streams (a portfolio's candidate), whose streams are then independent of other families'.
    """

    def __init__(self, seed: int, *prefix: object) -> None:
        self.seed = int(seed)
        self.prefix = tuple(prefix)
        self._used: dict[str, int] = {}

    def integer(self, *keys: object) -> int:
        """A 32-bit seed for a library that takes an integer (pyoperon's random_state, a template fit)."""
        value = int(stream_seed(self.seed, *self.prefix, *keys).generate_state(1)[0])
        self._used[_name(keys)] = value
        return value

    def torch(self, *keys: object) -> torch.Generator:
        """A CPU ``torch.Generator`` for the stream named by ``keys``."""
        generator = torch_generator(self.seed, *self.prefix, *keys)
        self._used[_name(keys)] = int(generator.initial_seed())
        return generator

    def used(self) -> dict[str, int]:
        """Stream name -> state, for every stream handed out so far."""
        return dict(self._used)


def _name(keys: tuple[object, ...]) -> str:
    return " ".join(str(key) for key in keys)
