"""Figure helpers: a headless matplotlib and atomic PNG saving."""

from __future__ import annotations

import io
from pathlib import Path


def pyplot():
    """Return ``matplotlib.pyplot`` on the non-interactive Agg backend."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def save_figure(figure, path: str | Path, *, dpi: int = 120) -> Path:
    """Save ``figure`` as a PNG atomically and close it."""
    from oraclelab.runs._atomic import atomic_write_bytes

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    pyplot().close(figure)
    return atomic_write_bytes(path, buffer.getvalue())
