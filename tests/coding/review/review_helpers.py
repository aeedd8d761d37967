"""Helpers for the review tests: export a queue, and edit review files as a coder would."""
from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import load_workbook
from qualmine.corpus import EXAMPLE_CORPUS
from qualmine.codebooks import EXAMPLE_CODEBOOK

REPO = Path(__file__).resolve().parents[3]


def export(store, coder: str, path: Path, **options):
    from qualmine.coding.review.export import export_review_queue
    from qualmine.coding.review.queue import QueueOptions

    return export_review_queue(store, QueueOptions(coder=coder, **options), path)


def fill_xlsx(path: Path, edits: dict[int, dict[str, str]]) -> None:
    """Fill cells as a coder would: {sheet row: {column name: value}}."""
    wb = load_workbook(path, rich_text=True)
    ws = wb["queue"]
    header = [c.value for c in ws[1]]
    for row, values in edits.items():
        for column, value in values.items():
            ws.cell(row=row, column=header.index(column) + 1, value=value)
    wb.save(path)


def read_csv_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def write_csv_rows(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
