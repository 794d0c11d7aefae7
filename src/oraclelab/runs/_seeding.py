"""Seeds: one integer per entry point, split into independent named streams."""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np

from oraclelab.errors import ParameterError


def as_generator(rng: np.random.Generator | int | None) -> np.random.Generator:
    """Turn ``rng`` (a Generator, an int seed or None) into a numpy Generator."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) and rng >= 0):
        return np.random.default_rng(rng)
    raise ParameterError(f"The 'rng' parameter must be a numpy Generator, an int >= 0 or None. Got {rng!r} instead.")


def stream_seed(seed: int, *keys: Any) -> np.random.SeedSequence:
    """A SeedSequence for the stream named by ``keys`` under ``seed``.

    Streams with different keys are independent, and one stream does not depend on which
    other streams a run uses (a study of k = 2 and 5 draws the same k = 5 metrics as a
    study of k = 5 alone).
    """
    words = [zlib.crc32(repr(key).encode("utf-8")) for key in keys]
    return np.random.SeedSequence(entropy=int(seed), spawn_key=tuple(words))


def stream_generator(seed: int, *keys: Any) -> np.random.Generator:
    """A numpy Generator for the stream named by ``keys`` under ``seed``."""
    return np.random.default_rng(stream_seed(seed, *keys))
