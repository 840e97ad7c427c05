"""The progress record of an imported file (``ImportSource``): one per content, by hash."""

from __future__ import annotations

from ... import clock
from ...models import ImportSource
from ..audit import record as audit
from ..context import Actor, require
from ..ledger import write_transaction


def start_source(kind: str, sha256: str, name: str, actor: Actor | None = None) -> ImportSource:
    """The file's progress record: the same content (by hash) is one source however often it runs."""
    require(actor, "import")
    with write_transaction():
        source = ImportSource.get_or_none((ImportSource.kind == kind) & (ImportSource.file_sha256 == sha256))
        now = clock.now()
        if source is None:
            source = ImportSource.create(kind=kind, file_sha256=sha256, file_name=name, started_at=now, rows_done=0)
        else:
            ImportSource.update(file_name=name, started_at=now, finished_at=None, rows_done=0).where(
                ImportSource.id == source.id
            ).execute()
    return source


def note_progress(source: ImportSource, rows_done: int) -> None:
    """Called inside the batch's transaction, so the progress is exactly what was committed."""
    ImportSource.update(rows_done=rows_done).where(ImportSource.id == source.id).execute()


def finish_source(source: ImportSource, summary: dict, actor: Actor | None = None) -> None:
    with write_transaction():
        ImportSource.update(finished_at=clock.now(), summary=summary).where(ImportSource.id == source.id).execute()
        audit(actor, f"import.{source.kind}", "import", source.id, None, dict(summary, file=source.file_name))
