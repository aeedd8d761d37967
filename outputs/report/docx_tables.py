"""Word tables in report.docx's one style: labels in wide left columns, numbers right-aligned, the header
row repeated on every page, widths set for both Word (cells) and LibreOffice (grid)."""
from __future__ import annotations

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell

from qualmine.outputs.report.render_html import fmt_cell

PAGE_WIDTH_MM, PAGE_HEIGHT_MM, MARGIN_MM = 210, 297, 20        # A4
TEXT_WIDTH_MM = PAGE_WIDTH_MM - 2 * MARGIN_MM
LABEL_COLUMN_MM = 62          # the label column of a table: 15+ Chinese characters on one line at 9 pt


def shade(cell, color: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), color.lstrip("#"))
    cell._tc.get_or_add_tcPr().append(shading)


def word_table(doc: Document, header: list[str], rows: list[list[object]], size: float = 9,
           label_columns: int = 1, widths_mm: list[float] | None = None) -> Table:
    """A table whose first `label_columns` columns are text (wide, left) and the rest numbers (right-aligned).

    Widths: `widths_mm` if given, else LABEL_COLUMN_MM per label column and the rest of the text
    width shared by the number columns. The header row repeats on every page.
    """
    n = len(header)
    if widths_mm is None:
        labels = min(label_columns, n)
        label_mm = min(LABEL_COLUMN_MM, TEXT_WIDTH_MM / max(n, 1) * 2) if n > labels else TEXT_WIDTH_MM / max(labels, 1)
        rest = (TEXT_WIDTH_MM - label_mm * labels) / max(n - labels, 1)
        widths_mm = [label_mm] * labels + [rest] * (n - labels)
    # The whole grid at once (python-docx builds it from one XML string) and cells reached through
    # their rows: add_row() per row and column.cells (the whole table per column) made a table of
    # 1,000 codes take seconds (issue #17).
    table = doc.add_table(rows=1 + len(rows), cols=n)
    table.style = "Table Grid"
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    repeat_header(table.rows[0])
    widths = [Mm(w) for w in widths_mm]
    for r, (cells, values) in enumerate(zip(row_cells(table), [header, *rows])):
        for i, (cell, value) in enumerate(zip(cells, values)):
            cell.width = widths[i]          # Word reads the cell widths, LibreOffice the grid
            paragraph = cell.paragraphs[0]
            run = paragraph.add_run(str(value) if r == 0 else fmt_cell(value))
            run.font.size = Pt(size)
            if r == 0:
                run.bold = True
            if i >= label_columns:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for column, width in zip(table.columns, widths):
        column.width = width
    return table


def row_cells(table: Table) -> list[list[_Cell]]:
    """The cells of each row (a plain grid: no merged cells), without python-docx's whole-table walks."""
    return [[_Cell(tc, table) for tc in tr.tc_lst] for tr in table._tbl.tr_lst]


def repeat_header(row) -> None:
    props = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    props.append(flag)
