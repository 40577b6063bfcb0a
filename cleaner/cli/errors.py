"""Map the library's errors to click's, the same way in every command."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from ..errors import CleanerError, UsageProblem


@contextmanager
def click_errors() -> Iterator[None]:
    """Turn ``UsageProblem`` into a usage error (exit 2) and other ``CleanerError`` into exit 1."""
    try:
        yield
    except UsageProblem as error:
        raise click.UsageError(str(error)) from error
    except CleanerError as error:
        raise click.ClickException(str(error)) from error
