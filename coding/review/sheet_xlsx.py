"""Write and read the review workbook (openpyxl).

Sheets: `queue` (one row per suggestion; evidence highlighted in the segment text; drop-downs on
`decision` and `add_codes`; only the coder's columns are unlocked), `codebook` (the code list the
`add_codes` drop-down points at, with labels and definitions) and a hidden `meta` sheet with the
store id and export id. The sheets are protected without a password: a guard rail, not a lock.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from qualmine.coding.review.formats import FILE_COLUMNS, ExportMeta, neutralise

QUEUE_SHEET, CODEBOOK_SHEET, META_SHEET = "queue", "codebook", "meta"
CODEBOOK_COLUMNS = ["code_id", "kind", "label_zh", "label_en", "definition_zh", "definition_en"]
_WIDTHS = {"item": 6, "segment_id": 12, "doc_id": 18, "respondent_id": 12, "text": 60, "evidence": 16,
           "code_id": 18, "code_label": 22, "code_definition": 40, "source": 10, "score": 7,
           "decision": 11, "add_codes": 18, "note": 30}
_HIGHLIGHT = InlineFont(b=True, color="C00000", u="single")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_EDIT_FILL = PatternFill("solid", fgColor="FFF2CC")


def write_queue_xlsx(queue: pd.DataFrame, codes: pd.DataFrame, meta: ExportMeta, path: str | Path) -> Path:
    """Write the review workbook for `queue` (review_queue.build_queue output) to `path`."""
    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = QUEUE_SHEET
    _write_queue_sheet(ws, queue, meta)
    book = wb.create_sheet(CODEBOOK_SHEET)
    book.append(CODEBOOK_COLUMNS)
    for row in codes[CODEBOOK_COLUMNS].itertuples(index=False):
        book.append([neutralise(v) if isinstance(v, str) else ("" if v is None or pd.isna(v) else v) for v in row])
    for i, width in enumerate((18, 14, 24, 28, 60, 60), start=1):
        book.column_dimensions[get_column_letter(i)].width = width
    _style_header(book)
    book.protection.sheet = True
    last_code_row = max(2, len(codes) + 1)
    # One code per drop-down pick; several codes separated by ';' get a warning, not a refusal
    # (Excel list validation cannot check a list), and the importer checks each code strictly.
    add_codes = DataValidation(type="list", formula1=f"={CODEBOOK_SHEET}!$A$2:$A${last_code_row}", allow_blank=True,
                               errorStyle="warning", showErrorMessage=True, errorTitle="Unknown code",
                               error="Use code ids from the codebook sheet (several: separate with ';').")
    decision = DataValidation(type="list", formula1='"accept,reject"', allow_blank=True, showErrorMessage=True,
                              errorTitle="Decision", error="Choose accept or reject (or leave empty).")
    last = len(queue) + 1
    if len(queue):
        for validation, column in ((decision, "decision"), (add_codes, "add_codes")):
            letter = get_column_letter(FILE_COLUMNS.index(column) + 1)
            validation.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(validation)
    info = wb.create_sheet(META_SHEET)
    for key, value in meta.items():
        info.append([key, value])
    info.sheet_state = "hidden"
    info.protection.sheet = True
    tmp = path.with_name(path.name + ".tmp")
    wb.save(tmp)
    tmp.replace(path)
    return path


def _named_styles(wb: Workbook) -> None:
    # One named style per kind of cell: setting fill, protection and alignment one by one on
    # thousands of cells is most of openpyxl's writing time.
    editable = NamedStyle(name="qm_editable", fill=_EDIT_FILL, protection=Protection(locked=False))
    wrapped = NamedStyle(name="qm_wrapped", alignment=Alignment(wrap_text=True, vertical="top"),
                         protection=Protection(locked=True))
    for style in (editable, wrapped):
        wb.add_named_style(style)


def _write_queue_sheet(ws, queue: pd.DataFrame, meta: ExportMeta) -> None:
    _named_styles(ws.parent)
    ws.append(FILE_COLUMNS)
    editable = {FILE_COLUMNS.index(c) + 1 for c in ("decision", "add_codes", "note")}
    for row_no, row in enumerate(queue.itertuples(index=False), start=2):
        values = row._asdict()
        for col_no, column in enumerate(FILE_COLUMNS, start=1):
            if column == "text":
                value = _highlighted(values["text"], values.get("evidence_spans") or [])
            elif column == "store_id":
                value = meta.store_id
            elif column == "export_id":
                value = meta.export_id
            else:
                value = values[column]
                value = neutralise(value) if isinstance(value, str) else value
                if isinstance(value, float) and value != value:
                    value = None          # NaN: an uncoded row has no score
            cell = ws.cell(row=row_no, column=col_no, value=value)
            if isinstance(value, str):
                cell.data_type = "s"   # never a formula, whatever the text starts with
            if col_no in editable:
                cell.style = "qm_editable"
            elif column in ("text", "code_definition"):
                cell.style = "qm_wrapped"
    for column, width in _WIDTHS.items():
        ws.column_dimensions[get_column_letter(FILE_COLUMNS.index(column) + 1)].width = width
    for column in ("store_id", "export_id"):
        ws.column_dimensions[get_column_letter(FILE_COLUMNS.index(column) + 1)].hidden = True
    _style_header(ws)
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(FILE_COLUMNS))}{max(1, len(queue) + 1)}"
    # Protected (no password): ids and header cannot be typed over by accident; filter, sort and
    # resizing stay allowed (in openpyxl's SheetProtection, False means "allowed").
    ws.protection.sheet = True
    ws.protection.autoFilter = False
    ws.protection.sort = False
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _highlighted(text: str, spans: list[tuple[int, int]]):
    """The segment text as rich text with the evidence spans in bold red (plain text if none)."""
    shown = neutralise(text)
    shift = len(shown) - len(text)
    spans = sorted((max(0, a), min(len(text), b)) for a, b in spans if 0 <= a < b)
    if not spans:
        return shown
    parts, at = [], 0
    if shift:
        parts.append(shown[:shift])
    for a, b in spans:
        if a < at:
            a = at
        if a >= b:
            continue
        if a > at:
            parts.append(text[at:a])
        parts.append(TextBlock(_HIGHLIGHT, text[a:b]))
        at = b
    if at < len(text):
        parts.append(text[at:])
    return CellRichText(parts)


def _style_header(ws) -> None:
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.protection = Protection(locked=True)


def read_queue_xlsx(path: str | Path) -> tuple[dict[str, str] | None, list[str], list[tuple[int, list[object]]]]:
    """(meta or None, header, [(sheet row number, cell values)]) of a review workbook.

    Raises ValueError naming the file when it is not a workbook or has no `queue` sheet.
    """
    path = Path(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:   # openpyxl raises several types for a damaged or foreign file
        raise ValueError(f"{path.name}: not a readable .xlsx workbook ({exc})") from None
    try:
        if QUEUE_SHEET not in wb.sheetnames:
            raise ValueError(f"{path.name}: no '{QUEUE_SHEET}' sheet (was it exported by `qualmine review export`?)")
        meta = None
        if META_SHEET in wb.sheetnames:
            meta = {str(r[0]): "" if r[1] is None else str(r[1])
                    for r in wb[META_SHEET].iter_rows(values_only=True) if r and r[0] is not None}
        rows = list(wb[QUEUE_SHEET].iter_rows(values_only=True))
    finally:
        wb.close()
    if not rows:
        return meta, [], []
    header = [("" if v is None else str(v)).strip() for v in rows[0]]
    while header and header[-1] == "":
        header.pop()
    body = [(i, list(values)) for i, values in enumerate(rows[1:], start=2)]
    return meta, header, body
