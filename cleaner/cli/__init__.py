"""The ``clean`` command line: ``clean IN OUT``, ``check``, ``explain``, ``index``."""

from .run import cli as cli
from .run import main as main

__all__ = ["cli", "main"]
