"""Map the library's errors to click's, the same way in every command."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from ..errors import CleanerError, UsageProblem
from ..read.names import printable_lines


@contextmanager
def click_errors() -> Iterator[None]:
    """Turn ``UsageProblem`` into a usage error (exit 2) and other ``CleanerError`` into exit 1.

    Messages name paths: what in them would act on a terminal is shown escaped.
    """
    try:
        yield
    except UsageProblem as error:
        raise click.UsageError(printable_lines(str(error))) from error
    except CleanerError as error:
        raise click.ClickException(printable_lines(str(error))) from error
