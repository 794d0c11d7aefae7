"""Symbolic critics: formula libraries, random networks, critics and their training.

Importing this package does not import torch; the torch-based parts load on first use.
"""

__all__: list[str] = []
