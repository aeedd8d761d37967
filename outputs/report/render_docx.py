"""report.docx (python-docx) for those who write in Word.

Charts become native Word tables rather than pictures: bars drawn with block characters in the
code's colour, the breakdowns and the co-occurrence matrix as tables with shaded cells. Word
draws their text, Chinese included, with its own fonts (python-docx cannot embed SVG, and a PNG
would need a Chinese font on the machine that draws it — see `outputs.report.charts`). The tables stay
editable: a report writer can restyle or cut them like any other table.
"""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.table import Table

from qualmine.outputs.report.charts import KIND_COLORS, heat_color
from qualmine.outputs.report.data import ChainView, LinkEvidence, ReportData
from qualmine.outputs.report.figures import code_breakdown, overall_respondents, shown_label
from qualmine.outputs.report.render_html import fmt_cell, fmt_lift, mode_heading, thresholds_sentence

BAR_CHARS = 24
EAST_ASIAN_FONT = "Microsoft YaHei"     # Word substitutes its own Chinese font where this one is missing


def _shade(cell, color: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), color.lstrip("#"))
    cell._tc.get_or_add_tcPr().append(shading)


def _table(doc: Document, header: list[str], rows: list[list[object]], size: float = 9) -> Table:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = ""
        run = cell.paragraphs[0].add_run(str(text))
        run.bold, run.font.size = True, Pt(size)
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values):
            cell.text = ""
            cell.paragraphs[0].add_run(fmt_cell(value)).font.size = Pt(size)
    return table


def _link_text(name: str, link: LinkEvidence | None) -> str:
    if link is None:
        return f"{name}: —"
    book = "in the codebook" if link.codebook_linked else "not in the codebook"
    flag = "; candidate link" if link.candidate_link else ""
    p = "" if math.isnan(link.p_value) else f", p={link.p_value:.3f}"
    return (f"{name}: {link.respondents_both} respondents raised both ({link.segments_both} segments), lift "
            f"{fmt_lift(link.lift)}{p}, {link.connective_sentences} connective sentence(s); {book}{flag}")


def _chain(doc: Document, ch: ChainView) -> None:
    doc.add_heading(f"{ch.chain_id}: {ch.problem.label} → {ch.cause.label if ch.cause else '—'} → "
                    f"{ch.recommendation.label if ch.recommendation else '—'}", level=3)
    rows = []
    for role, code, resp, seg in (("问题 Problem", ch.problem, ch.problem_respondents, ch.problem_segments),
                                  ("原因 Cause", ch.cause, ch.cause_respondents, ch.cause_segments),
                                  ("建议 Recommendation", ch.recommendation, ch.recommendation_respondents,
                                   ch.recommendation_segments)):
        rows.append([role, code.label if code else "—", code.code_id if code else "", resp if code else "",
                     seg if code else ""])
    table = _table(doc, ["", "code", "id", "respondents", "segments"], rows)
    colors = (KIND_COLORS["problem"], KIND_COLORS["cause"], KIND_COLORS["recommendation"])
    for row, color in zip(table.rows[1:], colors):
        _shade(row.cells[0], color)
    for name, link in (("problem ↔ cause", ch.problem_cause), ("cause ↔ recommendation", ch.cause_recommendation),
                       ("problem ↔ recommendation", ch.problem_recommendation)):
        doc.add_paragraph(_link_text(name, link), style="List Bullet")
        if link and link.connective_example:
            said = f"“{link.connective_example}” — {link.connective_example_respondent}"
            doc.add_paragraph(said, style="Quote")
    for q in ch.quotes:
        para = doc.add_paragraph(q.text, style="Quote")
        para.add_run(f"\n— {q.attribution}").font.size = Pt(8)
    if not ch.quotes:
        doc.add_paragraph("No coded quote for this problem.")


def _frequency(doc: Document, data: ReportData) -> None:
    counts = overall_respondents(data)
    peak = max(counts.values(), default=0) or 1
    table = _table(doc, ["code", "kind", "respondents", ""],
                   [[shown_label(data, c.code_id), c.kind, counts[c.code_id], ""] for c in data.codes if c.code_id in counts])
    codes = [c for c in data.codes if c.code_id in counts]
    for row, code in zip(table.rows[1:], codes):
        cell = row.cells[3]
        run = cell.paragraphs[0].add_run("█" * max(1, round(BAR_CHARS * counts[code.code_id] / peak))
                                         if counts[code.code_id] else "")
        run.font.color.rgb = RGBColor.from_string(KIND_COLORS.get(code.kind, "#777777").lstrip("#"))
        run.font.size = Pt(7)
    for attribute in data.attributes:
        shares = code_breakdown(data, attribute)
        if shares.empty:
            continue
        doc.add_paragraph(f"按 {attribute} 分组 Share of respondents by {attribute}")
        table = _table(doc, ["code", *[str(v) for v in shares.columns]],
                       [[shown_label(data, c), *[f"{v:.0%}" for v in shares.loc[c]]] for c in shares.index], size=8)
        peak_share = float(shares.values.max()) or 1.0
        for row, code_id in zip(table.rows[1:], shares.index):
            for cell, value in zip(row.cells[1:], shares.loc[code_id]):
                _shade(cell, heat_color(float(value) / peak_share * 0.6))


def _cooccurrence(doc: Document, data: ReportData) -> None:
    matrix = data.cooccurrence
    used = [c for c in matrix.index if matrix.loc[c, c] > 0]
    if len(used) < 2:
        doc.add_paragraph("Fewer than two codes were applied: nothing co-occurs.")
        return
    sub = matrix.loc[used, used]
    doc.add_paragraph("Cell = respondents who raised both codes; diagonal = respondents who raised the code. "
                      "Columns are numbered like the rows.")
    table = _table(doc, ["code", *[str(i + 1) for i in range(len(used))]],
                   [[f"{i + 1} {data.code(c).label}", *[int(v) for v in sub.loc[c]]] for i, c in enumerate(used)],
                   size=7)
    peak = float(sub.values.max()) or 1.0
    for row, code_id in zip(table.rows[1:], used):
        for cell, value in zip(row.cells[1:], sub.loc[code_id]):
            _shade(cell, heat_color(float(value) / peak * 0.6))


def build_docx(data: ReportData) -> Document:
    """The report as a python-docx Document (same sections as the HTML)."""
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    doc.add_heading(data.title, level=0)
    doc.add_paragraph(f"Run {data.run_id}" + (f" · codebook: {data.codebook_name}" if data.codebook_name else ""))
    para = doc.add_paragraph()
    para.add_run(mode_heading(data) + ". ").bold = True
    para.add_run(data.mode_statement)
    for note in data.notes:
        doc.add_paragraph(f"Note: {note}")
    o = data.overview
    doc.add_heading("概览 Overview", level=1)
    _table(doc, ["documents", "respondents", "segments", "coded segments", "code applications", "ingested",
                 "rejected", "skipped"],
           [[o.documents, o.respondents, o.segments, o.coded_segments, o.code_applications, o.ingested, o.rejected,
             o.skipped]])
    if o.rejected:
        doc.add_paragraph("Rejected inputs:")
        _table(doc, ["file", "row", "reason"], o.rejected_items.values.tolist())
    doc.add_heading("问题 → 原因 → 建议 Problems, causes and recommendations", level=1)
    for ch in data.chains:
        _chain(doc, ch)
    doc.add_heading("候选关联 Candidate links the codebook does not state", level=2)
    if data.links is None:
        doc.add_paragraph(data.links_note)
    elif data.candidate_links.empty:
        doc.add_paragraph(f"None: no pair outside the codebook co-occurs strongly enough ({thresholds_sentence()}).")
    else:
        doc.add_paragraph(f"Flagged when {thresholds_sentence()}.")
        cand = data.candidate_links
        _table(doc, ["link", "from", "to", "both (resp.)", "lift", "p", "connective sentences"],
               [[r.link_type, r.from_label, r.to_label, r.respondents_both, fmt_lift(r.lift), r.p_value,
                 r.connective_sentences] for r in cand.itertuples()])
    doc.add_heading("代码频次 Code frequency by respondent group", level=1)
    _frequency(doc, data)
    doc.add_heading("代码共现 Code co-occurrence", level=1)
    _cooccurrence(doc, data)
    doc.add_heading("主题与新主题候选 Topics and candidate new themes", level=1)
    if data.topics is None:
        doc.add_paragraph(data.topics_note)
    else:
        for note in data.topics.notes:
            doc.add_paragraph(f"Note: {note}")
        if data.topics.topics:
            _table(doc, ["topic", "top terms", "segments", "respondents", "aligned codes", "inherited recommendations"],
                   [[f"{t.topic_id} {t.label}", ", ".join(t.terms), t.segments, t.respondents,
                     "; ".join(data.code(c).label for c, _ in t.aligned) or "none (candidate new theme)",
                     "; ".join(label for _, label in t.recommendations)] for t in data.topics.topics], size=8)
        doc.add_paragraph("Candidate new themes:")
        for c in data.topics.candidates:
            doc.add_paragraph(f"{c.label} ({c.code_id}): {', '.join(c.keywords)}", style="List Bullet")
            for example in c.examples:
                doc.add_paragraph(example, style="Quote")
        if not data.topics.candidates:
            doc.add_paragraph("None.")
    doc.add_heading("编码一致性 Inter-coder agreement", level=1)
    if data.agreement is None:
        doc.add_paragraph(data.agreement_note)
    else:
        frame: pd.DataFrame = data.agreement
        _table(doc, [str(c) for c in frame.columns], frame.values.tolist(), size=8)
    return doc


def write_docx(data: ReportData, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".docx.tmp")
    build_docx(data).save(str(tmp))
    tmp.replace(path)
    return path
