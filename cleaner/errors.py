"""The one exception family the library raises; the CLI maps it to exit codes."""

from __future__ import annotations


class CleanerError(Exception):
    """Base class: something the user can fix, described in one sentence."""


class UsageProblem(CleanerError):
    """The arguments cannot work (output inside input, nothing to read); exit code 2."""


class OutputError(CleanerError):
    """The output could not be written (permissions, disk full)."""
