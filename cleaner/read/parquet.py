"""Read Parquet files (pyarrow, the ``parquet`` extra): one document a row.

A text column and an id column (``--text-key``, ``--id-key``); every other
column is passed through as the document's ``extra``. A file with many row
groups is read by several workers, a range of row groups each.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from ..data import CleanConfig, Document, FileFailure, ReadTask
from ..errors import UsageProblem
from .files import printable_path
from .records import record_document

INSTALL_HINT = "reading Parquet needs pyarrow: pip install 'cleaner[parquet]'"
# Row groups are gathered into tasks of at least this many rows.
TASK_ROWS = 50_000
BATCH_ROWS = 1024


def import_parquet() -> Any:
    """Return ``pyarrow.parquet``, or say how to install it."""
    try:
        import pyarrow.parquet
    except ImportError as error:
        raise UsageProblem(INSTALL_HINT) from error
    return pyarrow.parquet


class ParquetFiles:
    """Parquet files (``.parquet``), one document a row."""

    keeps_extraction = False
    one_per_file = False

    def tasks(self, root: str, rel_path: str) -> list[ReadTask]:
        """Return a task per run of row groups holding about ``TASK_ROWS`` rows."""
        parquet = import_parquet()
        try:
            metadata = parquet.ParquetFile(os.path.join(root, rel_path)).metadata
        except (OSError, ValueError):  # the read says what is wrong with it
            return [ReadTask("parquet", (rel_path,))]
        tasks: list[ReadTask] = []
        first, rows = 0, 0
        for group in range(metadata.num_row_groups):
            rows += metadata.row_group(group).num_rows
            if rows >= TASK_ROWS or group == metadata.num_row_groups - 1:
                tasks.append(ReadTask("parquet", (rel_path,), start=first, stop=group + 1))
                first, rows = group + 1, 0
        return tasks or [ReadTask("parquet", (rel_path,))]

    def documents(
        self, root: str, task: ReadTask, config: CleanConfig
    ) -> Iterator[Document | FileFailure]:
        """Yield each row of the task's row groups as a document, or its failure."""
        parquet = import_parquet()
        (rel_path,) = task.paths
        name = printable_path(rel_path)
        try:
            source = parquet.ParquetFile(os.path.join(root, rel_path))
            groups = range(
                task.start, source.metadata.num_row_groups if task.stop is None else task.stop
            )
            first_row = sum(source.metadata.row_group(g).num_rows for g in range(task.start))
            if config.text_key not in source.schema_arrow.names:
                yield FileFailure(
                    name, f"no {config.text_key!r} column (choose it with --text-key)"
                )
                return
            row = first_row
            for batch in source.iter_batches(batch_size=BATCH_ROWS, row_groups=list(groups)):
                for record in batch.to_pylist():
                    row += 1
                    where = f"{name}:{row}"
                    yield record_document(record, rel_path, row, where, config)
        except (OSError, ValueError) as error:
            yield FileFailure(name, f"cannot read as Parquet: {error}")
