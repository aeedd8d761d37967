"""Write and read the review queue as CSV (UTF-8 with BOM, so Excel shows Chinese right).

Same columns as the workbook; the store id and export id ride along in every row.
"""
from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from qualmine.coding.review.formats import FILE_COLUMNS, ExportMeta, neutralise


def write_queue_csv(queue: pd.DataFrame, meta: ExportMeta, path: str | Path) -> Path:
    """Write `queue` (review_queue.build_queue output) as a review CSV."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(FILE_COLUMNS)
        for row in queue.itertuples(index=False):
            values = row._asdict()
            values.update(store_id=meta.store_id, export_id=meta.export_id)
            writer.writerow([_cell(values[c]) for c in FILE_COLUMNS])
    tmp.replace(path)
    return path


def _cell(value: object) -> object:
    if isinstance(value, float):
        return "" if value != value else f"{value:g}"   # NaN: an uncoded row has no score
    return neutralise(value) if isinstance(value, str) else value


def read_queue_csv(path: str | Path) -> tuple[None, list[str], list[tuple[int, list[object]]]]:
    """(None, header, [(row number as a spreadsheet shows it, cell values)]) of a review CSV."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            records = list(csv.reader(handle))
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path.name}: not UTF-8 text ({exc.reason}); save the CSV as UTF-8") from None
    except csv.Error as exc:
        raise ValueError(f"{path.name}: not a readable CSV file ({exc})") from None
    if not records:
        return None, [], []
    header = [h.strip() for h in records[0]]
    return None, header, [(i, list(r)) for i, r in enumerate(records[1:], start=2)]
