"""Decide which documents of a run are duplicates: by clusters, or against a persistent index."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..data import CleanConfig, CleanReport, DuplicateCluster, IndexDuplicate
from .index.incremental import add_to_index, deduplicate_with_index

if TYPE_CHECKING:
    from ..engine.cleaned import Cleaned
    from ..engine.local import Engine


@dataclass(frozen=True, slots=True)
class Duplicates:
    """The duplicate decision of a run.

    Attributes:
        clusters: near-duplicate clusters among the run's documents.
        from_index: documents that repeat one an earlier run kept (``--index``).
        to_index: the index entries of the documents to add once they are written.

    """

    clusters: tuple[DuplicateCluster, ...] = ()
    from_index: tuple[IndexDuplicate, ...] = ()
    to_index: list[Any] = field(default_factory=list)

    def dropped(self) -> set[str]:
        """Return the ids of the documents that are not written."""
        ids = {member.doc_id for cluster in self.clusters for member in cluster.dropped}
        return ids | {duplicate.doc_id for duplicate in self.from_index}


def find_duplicates(cleaned: Cleaned, config: CleanConfig, engine: Engine) -> Duplicates:
    """Return the run's duplicates: its clusters, or its matches in the index."""
    if config.index_path:
        clusters, from_index, to_index = deduplicate_with_index(
            config.index_path, cleaned.processed, config.dedup
        )
        return Duplicates(clusters, from_index, to_index)
    return Duplicates(engine.document_clusters(cleaned, config))


def index_kept(duplicates: Duplicates, report: CleanReport, config: CleanConfig) -> None:
    """Add the documents a run wrote to its index; a killed run indexes nothing unwritten."""
    if not config.index_path:
        return
    written = {file.doc_id for file in report.files if file.status == "written"}
    records = [record for record in duplicates.to_index if record.source_path in written]
    add_to_index(config.index_path, records, config.dedup)
