"""``clean index``: look after a persistent MinHash index (statistics, removals)."""

from __future__ import annotations

import json
import sys

import click

from ..dedup.index.store import open_index
from ..read.names import printable_path
from .errors import click_errors


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def index() -> None:
    """Look after a persistent MinHash index made with ``clean IN OUT --index PATH``."""


@index.command()
@click.argument("location", metavar="PATH")
@click.option("--json", "as_json", is_flag=True, help="Print the statistics as JSON.")
def stats(location: str, as_json: bool) -> None:
    """Show how many documents PATH holds and the MinHash settings it was built with."""
    with click_errors(), open_index(location) as opened:
        figures = opened.stats()
    if as_json:
        click.echo(json.dumps(figures, indent=2, sort_keys=True))
        return
    for key, value in figures.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k}={v}" for k, v in value.items())
        click.echo(f"{key:<15} {value}")


@index.command()
@click.argument("location", metavar="PATH")
@click.argument("doc_ids", metavar="ID...", nargs=-1, required=True)
def remove(location: str, doc_ids: tuple[str, ...]) -> None:
    """Remove documents (by the id ``stats``/the report shows) from the index at PATH.

    Exits 1 when an id was not in the index (the others are still removed).
    """
    missing = []
    with click_errors(), open_index(location) as opened:
        for doc_id in doc_ids:
            if not opened.remove(doc_id):
                missing.append(doc_id)
    click.echo(f"removed {len(doc_ids) - len(missing)} document(s) from {location}")
    for doc_id in missing:
        click.echo(f"clean: not in the index: {printable_path(doc_id)}", err=True)
    sys.exit(1 if missing else 0)
