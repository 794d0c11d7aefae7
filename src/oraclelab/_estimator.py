"""scikit-learn's estimator convention, once: ``__init__`` stores each argument unchanged under its own name."""

from __future__ import annotations

from typing import Any, Mapping

__all__ = ["keep_parameters"]


def keep_parameters(estimator: Any, arguments: Mapping[str, Any]) -> None:
    """Set each ``__init__`` argument (``locals()`` inside ``__init__``) as an attribute of the same name.

    ``get_params`` / ``set_params`` / ``clone`` read parameters back by these names; no
    validation happens here, as scikit-learn asks (it belongs in ``fit``).
    """
    for name, value in arguments.items():
        if name not in ("self", "__class__"):
            setattr(estimator, name, value)
