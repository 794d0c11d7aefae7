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


def save_figure(figure, path: str | Path, *, dpi: int = 120, tight: bool = True) -> Path:
    """Save ``figure`` as a PNG atomically and close it.

    ``tight`` crops to the drawn content so no label is cut off; figures with many panels
    that set their own margins pass False (the crop costs a second draw).
    """
    from oraclelab.runs._atomic import atomic_write_bytes

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight" if tight else None)
    pyplot().close(figure)
    return atomic_write_bytes(path, buffer.getvalue())
