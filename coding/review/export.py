"""Export a coder's review queue from the store to an .xlsx or .csv file, and remember the export."""
from __future__ import annotations

from qualmine import QualmineError
import uuid
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from qualmine.coding.review.sheet_csv import write_queue_csv
from qualmine.coding.review.formats import ExportMeta
from qualmine.coding.review.queue import UNCODED, QueueOptions, build_queue, double_coded
from qualmine.coding.review.sheet_xlsx import write_queue_xlsx
from qualmine.coding.store.database import ProjectStore, utcnow


class StoreEmptyError(QualmineError, ValueError):
    """The store has no run yet, so there is nothing to review."""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    export_id: str
    coder: str
    rows: int
    segments: int
    double_coded_segments: int
    uncoded_segments: int = 0       # rows without a suggestion (codes go into add_codes)
    claimed: bool = True            # False for a preview: nothing recorded, the file cannot be imported


def build_store_queue(store: ProjectStore, options: QueueOptions,
                      uncertainty: pd.Series | None = None) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """(queue, codes, codebook version id) of `options.coder`'s queue from the store, nothing recorded.

    Raises StoreEmptyError when the store has no run (no codebook) yet.
    """
    current = store.current_codebook()
    if current is None:
        raise StoreEmptyError(f"the store {store.display_url} has no run yet: run `qualmine run --store ...` first")
    codes = store.codes(current.version_id)
    assignments = store.export_rows()
    queue = build_queue(options, suggestions=store.suggestions(), segments=store.segments(), codes=codes,
                        decisions=store.decisions(latest=True), assignments=assignments[["segment_id", "coder"]],
                        uncertainty=uncertainty)
    return queue, codes, current.version_id


def export_review_queue(store: ProjectStore, options: QueueOptions, out: str | Path,
                        uncertainty: pd.Series | None = None, *, claim: bool = True) -> ExportResult:
    """Build `options.coder`'s queue from the store and write it to `out` (.xlsx or .csv).

    With `claim=False` (`review export --preview`) the file is written but the export is not
    recorded: its segments stay free for every coder, and the file cannot be imported (its
    export id starts with `preview-`, which no store knows).
    """
    out = Path(out)
    file_format = out.suffix.lower().lstrip(".")
    if file_format not in ("xlsx", "csv"):
        raise ValueError(f"The 'out' parameter of review export must be a .xlsx or .csv file. Got {str(out)!r} instead.")
    queue, codes, version_id = build_store_queue(store, options, uncertainty)
    export_id = uuid.uuid4().hex if claim else f"preview-{uuid.uuid4().hex}"
    meta = ExportMeta(store_id=store.store_id, export_id=export_id, coder=options.coder,
                      created_at=utcnow().isoformat(timespec="seconds"), codebook_version_id=version_id)
    out.parent.mkdir(parents=True, exist_ok=True)
    if file_format == "xlsx":
        write_queue_xlsx(queue, codes, meta, out)
    else:
        write_queue_csv(queue, meta, out)
    parameters = {"order": options.order, "limit": options.limit, "codes": list(options.codes),
                  "double_code": options.double_code, "seed": options.seed, "uncoded": options.uncoded}
    if claim:
        try:
            store.record_export(meta.export_id, options.coder, file_format, out.name, version_id, queue, parameters)
        except Exception:
            out.unlink(missing_ok=True)   # a file the store does not know could never be imported
            raise
    shared = double_coded(queue["segment_id"].drop_duplicates(), options.double_code, options.seed)
    return ExportResult(out, meta.export_id, options.coder, len(queue), int(queue["segment_id"].nunique()),
                        int(shared.sum()), int((queue["code_id"] == UNCODED).sum()), claim)
