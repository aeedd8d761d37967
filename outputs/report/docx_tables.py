"""Word tables in report.docx's one style: labels in wide left columns, numbers right-aligned, the header
row repeated on every page, widths set for both Word (cells) and LibreOffice (grid)."""
from __future__ import annotations

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table

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
    table = doc.add_table(rows=1, cols=n)
    table.style = "Table Grid"
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    repeat_header(table.rows[0])
    for i, (cell, text) in enumerate(zip(table.rows[0].cells, header)):
        cell.text = ""
        run = cell.paragraphs[0].add_run(str(text))
        run.bold, run.font.size = True, Pt(size)
        if i >= label_columns:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for values in rows:
        cells = table.add_row().cells
        for i, (cell, value) in enumerate(zip(cells, values)):
            cell.text = ""
            cell.paragraphs[0].add_run(fmt_cell(value)).font.size = Pt(size)
            if i >= label_columns:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for column, width in zip(table.columns, widths_mm):
        column.width = Mm(width)
        for cell in column.cells:       # Word reads the cell widths, LibreOffice the grid: set both
            cell.width = Mm(width)
    return table


def repeat_header(row) -> None:
    props = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    props.append(flag)
