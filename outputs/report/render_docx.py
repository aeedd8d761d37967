"""report.docx (python-docx): a document a client can receive.

A4 with 2 cm margins; document properties (title, subject = the study's codebook, author and
version of qualmine, created/modified = now). The charts are the HTML report's, drawn as PNG
(`outputs.report.chart_images`; when that cannot be done the reason is written where the chart
would be) followed by their numbers as tables: labels as rows in a wide first column, numbers
right-aligned, at most MAX_TABLE_COLUMNS columns; the co-occurrence matrix becomes its top
pairs, all pairs in an appendix. Tables stay editable, like any other Word table.
"""
from __future__ import annotations

import io
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from qualmine.outputs.report.charts import KIND_COLORS, heat_color
from qualmine.outputs.report.docx_tables import (  # noqa: F401  (page geometry: re-exported)
    LABEL_COLUMN_MM, MARGIN_MM, PAGE_HEIGHT_MM, PAGE_WIDTH_MM, TEXT_WIDTH_MM, row_cells, shade as _shade,
    word_table as _table,
)
from qualmine.outputs.report.data import ChainView, LinkEvidence, ReportData
from qualmine.outputs.report.trust import (
    AGREEMENT_HEADING, EVALUATION_HEADING, EVALUATION_SHOWN, TRUST_SHOWN, UNTRAINED_SHOWN, TrustSection, shown_columns,
)
from qualmine.outputs.report.chart_images import svg_to_png, why_no_images
from qualmine.outputs.report.figures import unlisted_note
from qualmine.outputs.report.figures import (Figure, attribute_slug, attribute_title, code_breakdown, group_sizes,
                                            overall_respondents, report_figures, shown_label, significant_codes)
from qualmine.outputs.report.groups import SIGNIFICANCE_NOTE
from qualmine.outputs.report.render_html import fmt_lift, mode_heading, thresholds_sentence
from qualmine.outputs.report.render_md import link_parts
from qualmine.outputs.report.summary import QUOTES_NOTE, STRENGTH_LEGEND, executive_summary

EAST_ASIAN_FONT = "Microsoft YaHei"     # Word substitutes its own Chinese font where this one is missing
MAX_TABLE_COLUMNS = 9         # more groups than this go to the appendix
TOP_PAIRS = 15                # co-occurring pairs shown in the body; the appendix has them all


def _picture(doc: Document, figure: Figure | None, max_height_mm: float = 230) -> None:
    """The chart as an image across the text width (shorter if it would not fit a page), or why not."""
    if figure is None:
        return
    png = svg_to_png(figure.svg)
    if png is None:
        doc.add_paragraph(f"(Chart “{figure.title}” not drawn: {why_no_images(figure.svg)}; its numbers follow.)")
        return
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        ratio = image.height / image.width
    width = min(TEXT_WIDTH_MM, max_height_mm / ratio)
    doc.add_picture(io.BytesIO(png), width=Mm(width))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _link_text(name: str, link: LinkEvidence | None) -> str:
    if link is None:
        return f"{name}: —"
    verdict, numbers, book = link_parts(link)
    flag = "; candidate link" if link.candidate_link else ""
    return f"{name}: {verdict} — {numbers}; {book}{flag}"


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
    table = _table(doc, ["", "code", "id", "respondents", "segments"], rows, label_columns=3,
                   widths_mm=[32, 48, 36, 28, 26])
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
        _quote(doc, q)
    if not ch.quotes:
        doc.add_paragraph("No coded quote for this problem.")


def _quote(doc: Document, q) -> None:
    para = doc.add_paragraph(q.text, style="Quote")
    tag = " · coder-reviewed" if q.reviewed else ""
    para.add_run(f"\n— {q.attribution}{tag}").font.size = Pt(8)


def _summary(doc: Document, data: ReportData) -> None:
    summary = executive_summary(data)
    doc.add_heading("执行摘要 Executive summary", level=1)
    doc.add_paragraph(f"{summary.respondents} respondents, {summary.applications} code applications. "
                      f"{summary.mode_sentence}")
    if not summary.problems:
        doc.add_paragraph("No problem code was applied.")
    for p in summary.problems:
        para = doc.add_paragraph(style="List Number")
        para.add_run(p.label).bold = True
        para.add_run(f" — {p.respondents} respondents ({p.share:.0%}).")
        causes = "; ".join(f"{c.label} ({c.words}: {c.numbers})" for c in p.causes)
        recs = "; ".join(f"{c.label} ({c.words}: {c.numbers})" for c in p.recommendations)
        doc.add_paragraph("原因 Supported causes: " + (causes or "none of the codebook causes is supported by the data"),
                          style="List Bullet 2")
        doc.add_paragraph("建议 Recommendations: " + (recs or "none co-occurs with this problem beyond chance"),
                          style="List Bullet 2")
    doc.add_paragraph(STRENGTH_LEGEND).runs[0].font.size = Pt(8)


def _quotes(doc: Document, data: ReportData) -> None:
    doc.add_heading("代码引文 Quotes by code", level=1)
    doc.add_paragraph(QUOTES_NOTE).runs[0].font.size = Pt(8)
    if not data.exemplars:
        doc.add_paragraph("No quotes: the run's codebook is not available.")
    for code in data.codes:
        quotes = data.exemplars.get(code.code_id)
        if quotes:
            doc.add_heading(f"{code.label} ({code.code_id}, {code.kind})", level=3)
            for q in quotes:
                _quote(doc, q)


def _frequency(doc: Document, data: ReportData, figures: dict[str, Figure], appendix: list) -> None:
    counts = overall_respondents(data)
    _picture(doc, figures.get("code_frequency"))
    _table(doc, ["code", "kind", "respondents"],
           [[shown_label(data, c.code_id), c.kind, counts[c.code_id]] for c in data.codes if c.code_id in counts],
           label_columns=2, widths_mm=[100, 35, 35])
    for attribute in data.attributes:
        shares = code_breakdown(data, attribute)
        if shares.empty:
            continue
        name = attribute_title(data, attribute)
        heading = f"按 {name} 分组 Share of respondents by {name}"
        if shares.shape[1] + 1 > MAX_TABLE_COLUMNS:
            doc.add_paragraph(f"{heading}: {shares.shape[1]} groups, too many for a page — see the appendix.")
            appendix.append((heading, data, attribute, shares))
            continue
        doc.add_heading(heading, level=3)
        _picture(doc, figures.get(f"by_{attribute_slug(attribute)}"))
        _shares_table(doc, data, attribute, shares)


def _shares_table(doc: Document, data: ReportData, attribute: str, shares: pd.DataFrame) -> None:
    sizes = group_sizes(data, attribute)
    flagged = significant_codes(data, attribute)
    header = ["code", *[f"{v} (n={sizes.get(str(v), '?')})" for v in shares.columns]]
    rows = [[("* " if c in flagged else "") + shown_label(data, c), *[f"{v:.0%}" for v in shares.loc[c]]]
            for c in shares.index]
    table = _table(doc, header, rows, size=8)
    peak_share = float(shares.values.max()) or 1.0
    for cells, code_id in zip(row_cells(table)[1:], shares.index):
        for cell, value in zip(cells[1:], shares.loc[code_id]):
            _shade(cell, heat_color(float(value) / peak_share * 0.6))
    if flagged:
        doc.add_paragraph(SIGNIFICANCE_NOTE).runs[0].font.size = Pt(8)
    if unlisted_note(shares):
        doc.add_paragraph(unlisted_note(shares)).runs[0].font.size = Pt(8)


def _cooccurrence(doc: Document, data: ReportData, figures: dict[str, Figure], appendix: list) -> None:
    matrix = data.cooccurrence
    used = [c for c in matrix.index if matrix.loc[c, c] > 0]
    if len(used) < 2:
        doc.add_paragraph("Fewer than two codes were applied: nothing co-occurs.")
        return
    _picture(doc, figures.get("cooccurrence"))
    pairs = cooccurring_pairs(data)
    doc.add_paragraph(f"The {min(TOP_PAIRS, len(pairs))} pairs of codes most respondents raised together "
                      f"(of {len(pairs)} pairs; all of them are in the appendix):")
    _table(doc, ["code", "code", "respondents who raised both"],
           [[a, b, n] for a, b, n in pairs[:TOP_PAIRS]], label_columns=2, widths_mm=[70, 70, 30])
    appendix.append(("全部共现 All co-occurring pairs", pairs))


def cooccurring_pairs(data: ReportData) -> list[tuple[str, str, int]]:
    """(label, label, respondents who raised both) for every pair raised together, most first."""
    matrix = data.cooccurrence
    used = [c for c in matrix.index if matrix.loc[c, c] > 0]
    pairs = [(data.code(a).label, data.code(b).label, int(matrix.loc[a, b]))
             for i, a in enumerate(used) for b in used[i + 1:] if int(matrix.loc[a, b]) > 0]
    return sorted(pairs, key=lambda t: (-t[2], t[0], t[1]))


def _appendix(doc: Document, appendix: list) -> None:
    if not appendix:
        return
    doc.add_page_break()
    doc.add_heading("附录 Appendix", level=1)
    for item in appendix:
        if len(item) == 2:
            heading, pairs = item
            doc.add_heading(heading, level=2)
            _table(doc, ["code", "code", "respondents who raised both"], [list(p) for p in pairs], label_columns=2,
                   widths_mm=[70, 70, 30], size=8)
            continue
        heading, data, attribute, shares = item
        doc.add_heading(heading, level=2)
        sizes = group_sizes(data, attribute)
        # Many groups: one row per (group, code) instead of a matrix wider than the page.
        rows = [[str(g), shown_label(data, c), sizes.get(str(g), ""), f"{shares.loc[c, g]:.0%}"]
                for g in shares.columns for c in shares.index if shares.loc[c, g] > 0]
        _table(doc, ["group", "code", "n", "share"], rows, label_columns=2, widths_mm=[50, 80, 20, 20], size=8)


def _page_setup(doc: Document) -> None:
    for section in doc.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Mm(MARGIN_MM))


def _properties(doc: Document, data: ReportData, now: datetime | None = None) -> None:
    now = now or datetime.now(timezone.utc).replace(microsecond=0)
    props = doc.core_properties
    props.title = data.title
    props.subject = data.codebook_name or data.run_id
    props.author = props.last_modified_by = f"qualmine {qualmine_version()}"
    props.comments = f"Theme summary of run {data.run_id}, written by qualmine {qualmine_version()}."
    props.keywords = "qualmine; qualitative coding; theme summary"
    props.category = "Report"
    props.created = props.modified = now.replace(tzinfo=None)
    props.revision = 1


def qualmine_version() -> str:
    """The installed qualmine's version ('unknown' from a source tree that is not installed)."""
    try:
        from importlib.metadata import version

        return version("qualmine")
    except Exception:   # noqa: BLE001 — a report is still written without it
        return "unknown"


def build_docx(data: ReportData, figures: list[Figure] | None = None) -> Document:
    """The report as a python-docx Document (same sections as the HTML)."""
    figures = report_figures(data) if figures is None else figures
    by_name = {f.name: f for f in figures}
    appendix: list = []
    doc = Document()
    _page_setup(doc)
    _properties(doc, data)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    doc.add_heading(data.title, level=0)
    doc.add_paragraph(f"Run {data.run_id}" + (f" · codebook: {data.codebook_name}" if data.codebook_name else "")
                      + f" · qualmine {qualmine_version()} · {datetime.now(timezone.utc):%Y-%m-%d}")
    para = doc.add_paragraph()
    para.add_run(mode_heading(data) + ". ").bold = True
    para.add_run(data.mode_statement)
    for note in data.notes:
        doc.add_paragraph(f"Note: {note}")
    _summary(doc, data)
    o = data.overview
    doc.add_heading("概览 Overview", level=1)
    _table(doc, ["", "count"],
           [["documents", o.documents], ["respondents", o.respondents], ["segments", o.segments],
            ["coded segments", o.coded_segments], ["code applications", o.code_applications],
            ["ingested", o.ingested], ["rejected", o.rejected], ["skipped (empty answers)", o.skipped]],
           widths_mm=[70, 30])
    if o.rejected:
        doc.add_paragraph("Rejected inputs:")
        _table(doc, ["file", "row", "reason"], o.rejected_items.values.tolist(), label_columns=3,
               widths_mm=[50, 15, 105])
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
                 r.connective_sentences] for r in cand.itertuples()], label_columns=3,
               widths_mm=[30, 40, 40, 15, 15, 15, 15], size=8)
    _quotes(doc, data)
    doc.add_heading("代码频次 Code frequency by respondent group", level=1)
    _frequency(doc, data, by_name, appendix)
    doc.add_heading("代码共现 Code co-occurrence", level=1)
    _cooccurrence(doc, data, by_name, appendix)
    doc.add_heading("主题与新主题候选 Topics and candidate new themes", level=1)
    if data.topics is None:
        doc.add_paragraph(data.topics_note)
    else:
        for note in data.topics.notes:
            doc.add_paragraph(f"Note: {note}")
        if data.topics.topics:
            _table(doc, ["topic", "top terms", "aligned codes", "inherited recommendations", "coherence", "segments",
                         "respondents"],
                   [[f"{t.topic_id} {t.label}", ", ".join(t.terms),
                     "; ".join(data.code(c).label for c, _ in t.aligned) or
                     ("none (incoherent: not a candidate)" if t.incoherent else "none (candidate new theme)"),
                     "; ".join(label for _, label in t.recommendations),
                     "" if t.coherence is None else f"{t.coherence:.2f}", t.segments, t.respondents]
                    for t in data.topics.topics], size=8, label_columns=4, widths_mm=[28, 42, 32, 26, 14, 14, 14])
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
    if data.agreement_by_respondent is not None and len(data.agreement_by_respondent):
        doc.add_paragraph("Per respondent (a code counts as present for a respondent when a coder marked it on any of their segments):")
        frame = data.agreement_by_respondent
        _table(doc, [str(c) for c in frame.columns], frame.values.tolist(), size=8)
    if data.trust is not None:
        _trust(doc, data.trust)
    _appendix(doc, appendix)
    return doc


def _trust(doc: Document, trust: TrustSection) -> None:
    doc.add_heading("机器建议的可信度 Which source to trust", level=1)
    parts = ((AGREEMENT_HEADING, trust.agreement_statement, trust.agreement, TRUST_SHOWN),
             (EVALUATION_HEADING, trust.evaluation_statement, trust.evaluation, EVALUATION_SHOWN))
    for heading, statement, frame, columns in parts:
        doc.add_heading(heading, level=2)
        doc.add_paragraph(statement)
        if frame is not None:
            frame = shown_columns(frame, columns)
            _table(doc, [str(c) for c in frame.columns], frame.values.tolist(), size=8)
    if trust.untrained is not None and len(trust.untrained):
        doc.add_paragraph("Codes not learned on their own:")
        frame = shown_columns(trust.untrained, UNTRAINED_SHOWN)
        _table(doc, [str(c) for c in frame.columns], frame.values.tolist(), size=8)


def write_docx(data: ReportData, path: str | Path, figures: list[Figure] | None = None) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".docx.tmp")
    build_docx(data, figures).save(str(tmp))
    tmp.replace(path)
    return path
