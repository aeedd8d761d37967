"""report.md: the report's content as Markdown, its charts as SVG files in `report_files/` beside it.

SVG rather than PNG for the same reason as the HTML (see `outputs.report.charts`): GitHub, GitLab,
VS Code, Typora and Obsidian show SVG images, and their Chinese labels in the reader's fonts.
`render_markdown(data, image_dir=None)` leaves the images out (used for the Prefect artifact,
which cannot show local files).
"""
from __future__ import annotations

import html
import math
from pathlib import Path

import pandas as pd

from qualmine.outputs.report.data import ChainView, LinkEvidence, ReportData
from qualmine.outputs.report.trust import (
    AGREEMENT_HEADING, EVALUATION_HEADING, EVALUATION_SHOWN, TRUST_SHOWN, UNTRAINED_SHOWN, TrustSection, shown_columns,
)
from qualmine.outputs.report.figures import unlisted_note
from qualmine.outputs.report.figures import (Figure, attribute_title, code_breakdown, group_sizes, report_figures,
                                            shown_label, significant_codes)
from qualmine.outputs.report.groups import SIGNIFICANCE_NOTE
from qualmine.outputs.report.render_html import fmt_cell, fmt_lift, mode_heading, thresholds_sentence
from qualmine.outputs.report.summary import QUOTES_NOTE, STRENGTH_LEGEND, executive_summary, link_words

FILES_DIR = "report_files"
LINK_TABLE_COLUMNS = {
    "link_type": "link", "from_label": "from", "to_label": "to", "codebook_linked": "codebook",
    "respondents_both": "both (resp.)", "segments_both": "both (seg.)", "lift": "lift", "p_value": "p",
    "connective_sentences": "connective sentences",
}


def esc(value: object) -> str:
    """Respondents' and users' text as Markdown text, never HTML: `<script>` shows as text (issue #17)."""
    return html.escape("" if value is None else str(value), quote=False)


def md_cell(value: object) -> str:
    """A value safe inside a Markdown table cell (no pipes, line breaks or HTML)."""
    if isinstance(value, float):
        text = "—" if math.isnan(value) else f"{value:.3g}"
    else:
        text = esc(value)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def md_table(frame: pd.DataFrame, headers: dict[str, str] | None = None) -> list[str]:
    columns = list(headers) if headers else list(frame.columns)
    names = [headers[c] for c in columns] if headers else [str(c) for c in columns]
    lines = ["| " + " | ".join(md_cell(n) for n in names) + " |", "|" + "---|" * len(names)]
    for row in frame[columns].itertuples(index=False):
        cells = [fmt_lift(v) if c == "lift" else md_cell(v) for c, v in zip(columns, row)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _quote_block(text: str) -> str:
    return "> " + esc(text).replace("\n", "\n> ")


def link_parts(link: LinkEvidence) -> tuple[str, str, str]:
    """A chain link in words, for Markdown and Word alike: (verdict, its numbers, codebook status)."""
    p = "" if math.isnan(link.p_value) else f", p={link.p_value:.3f}"
    numbers = (f"{link.respondents_both} respondents raised both ({link.segments_both} segments), lift "
               f"{fmt_lift(link.lift)}{p}, {link.connective_sentences} connective sentence(s)")
    book = "in the codebook" if link.codebook_linked else "not in the codebook"
    return link_words(link).split(" (")[0], numbers, book


def _link_line(name: str, link: LinkEvidence | None) -> str:
    if link is None:
        return f"- {name}: —"
    verdict, numbers, book = link_parts(link)
    flag = " · **candidate link**" if link.candidate_link else ""
    return f"- {name}: **{verdict}** — {numbers}; {book}{flag}"


def _chain(ch: ChainView) -> list[str]:
    def node(code, respondents, segments):
        if code is None:
            return "—"
        return f"**{esc(code.label)}** ({esc(code.code_id)}; {respondents} respondents, {segments} segments)"

    lines = [f"### {esc(ch.chain_id)}: {esc(ch.problem.label)} → {esc(ch.cause.label) if ch.cause else '—'} → "
             f"{esc(ch.recommendation.label) if ch.recommendation else '—'}", "",
             f"- 问题 Problem: {node(ch.problem, ch.problem_respondents, ch.problem_segments)}",
             f"- 原因 Cause: {node(ch.cause, ch.cause_respondents, ch.cause_segments)}",
             "- 建议 Recommendation: "
             f"{node(ch.recommendation, ch.recommendation_respondents, ch.recommendation_segments)}",
             _link_line("problem ↔ cause", ch.problem_cause),
             _link_line("cause ↔ recommendation", ch.cause_recommendation),
             _link_line("problem ↔ recommendation", ch.problem_recommendation), ""]
    for link in (ch.problem_cause, ch.cause_recommendation, ch.problem_recommendation):
        if link and link.connective_example:
            lines += [f"Connective sentence ({link.from_id} ↔ {link.to_id}):", "",
                      _quote_block(f"“{link.connective_example}” — {link.connective_example_respondent}"), ""]
    for q in ch.quotes:
        lines += [_quote_block(q.text), ">", _quote_block(f"— {q.attribution}" + (" · coder-reviewed" if q.reviewed
                                                                                  else "")), ""]
    if not ch.quotes:
        lines += ["No coded quote for this problem.", ""]
    return lines


def summary_lines(data: ReportData) -> list[str]:
    """The executive summary as Markdown (also the head of the Prefect artifact)."""
    summary = executive_summary(data)
    out = ["## 执行摘要 Executive summary", "",
           f"{summary.respondents} respondents, {summary.applications} code applications. {summary.mode_sentence}", ""]
    if not summary.problems:
        out += ["No problem code was applied.", ""]
    for i, p in enumerate(summary.problems, start=1):
        out.append(f"{i}. **{esc(p.label)}** — {p.respondents} respondents ({p.share:.0%}).")
        causes = "; ".join(f"{esc(c.label)} (**{c.words}**: {c.numbers})" for c in p.causes)
        recs = "; ".join(f"{esc(c.label)} (**{c.words}**: {c.numbers})" for c in p.recommendations)
        out.append(f"   - 原因 Supported causes: {causes or 'none of the codebook causes is supported by the data'}")
        out.append(f"   - 建议 Recommendations: {recs or 'none co-occurs with this problem beyond chance'}")
    out += ["", STRENGTH_LEGEND, ""]
    return out


def quotes_lines(data: ReportData) -> list[str]:
    """Every code's exemplar quotes as Markdown."""
    out = ["## 代码引文 Quotes by code", "", QUOTES_NOTE, ""]
    if not data.exemplars:
        out += ["No quotes: the run's codebook is not available.", ""]
    for code in data.codes:
        quotes = data.exemplars.get(code.code_id)
        if not quotes:
            continue
        out += [f"### {esc(code.label)} ({esc(code.code_id)}, {code.kind})", ""]
        for q in quotes:
            tag = "coder-reviewed" if q.reviewed else "machine-coded"
            out += [_quote_block(q.text), ">", _quote_block(f"— {q.attribution} · {tag}"), ""]
    return out


def render_markdown(data: ReportData, figures: list[Figure] | None = None, image_dir: str | None = FILES_DIR) -> str:
    """The report as Markdown; figures are linked from `image_dir` (None: left out)."""
    if image_dir is None:
        figures = []
    elif figures is None:
        figures = report_figures(data)
    o = data.overview
    out = [f"# {esc(data.title)}", "", f"Run `{data.run_id}`" + (f" · codebook: {esc(data.codebook_name)}"
                                                                 if data.codebook_name else ""), "",
           f"**{mode_heading(data)}.** {esc(data.mode_statement)}", ""]
    out += [f"> **Note:** {esc(n)}" for n in data.notes] + ([""] if data.notes else [])
    out += summary_lines(data)
    out += ["## 概览 Overview", "", "| documents | respondents | segments | coded segments | code applications | "
            "ingested | rejected | skipped |", "|---|---|---|---|---|---|---|---|",
            f"| {o.documents} | {o.respondents} | {o.segments} | {o.coded_segments} | {o.code_applications} | "
            f"{o.ingested} | {o.rejected} | {o.skipped} |", ""]
    if o.rejected:
        out += ["Rejected inputs:", "", *md_table(o.rejected_items), ""]
    out += ["## 问题 → 原因 → 建议 Problems, causes and recommendations", ""]
    for ch in data.chains:
        out += _chain(ch)
    out += ["### 候选关联 Candidate links the codebook does not state", ""]
    if data.links is None:
        out += [esc(data.links_note), ""]
    elif data.candidate_links.empty:
        out += [f"None: no pair outside the codebook co-occurs strongly enough ({thresholds_sentence()}).", ""]
    else:
        out += [f"Flagged when {thresholds_sentence()}.", "", *md_table(data.candidate_links, LINK_TABLE_COLUMNS), ""]
    out += quotes_lines(data)
    out += ["## 代码频次 Code frequency by respondent group", ""]
    by_name = {f.name: f for f in figures}
    for fig in figures:
        if fig.name != "cooccurrence":
            out += [f"![{fig.title}]({image_dir}/{fig.name}.svg)", ""]
    for attribute in data.attributes:
        table = code_breakdown(data, attribute)
        if table.empty:
            continue
        flagged = significant_codes(data, attribute)
        sizes = group_sizes(data, attribute)
        shown = table.rename(index=lambda c: ("* " if c in flagged else "") + shown_label(data, c))
        shown = shown.rename(columns=lambda v: f"{v} (n={sizes.get(str(v), '?')})").map(lambda v: f"{v:.0%}")
        out += [f"Share of respondents by {attribute_title(data, attribute)}:", "",
                *md_table(shown.reset_index().rename(columns={"code_id": "code"})), ""]
        if flagged:
            out += [SIGNIFICANCE_NOTE, ""]
        if unlisted_note(table):
            out += [unlisted_note(table), ""]
    out += ["## 代码共现 Code co-occurrence", ""]
    if "cooccurrence" in by_name:
        out += [f"![{by_name['cooccurrence'].title}]({image_dir}/cooccurrence.svg)", ""]
    out += ["Respondents who raised both codes (diagonal: who raised the code) are in the heat map; "
            "the full matrix is in the HTML report.", ""]
    out += ["## 主题与新主题候选 Topics and candidate new themes", ""]
    if data.topics is None:
        out += [esc(data.topics_note), ""]
    else:
        out += [f"> **Note:** {esc(n)}" for n in data.topics.notes] + ([""] if data.topics.notes else [])
        rows = [{"topic": f"{t.topic_id} {t.label}", "top terms": ", ".join(t.terms),
                 "coherence": "" if t.coherence is None else f"{t.coherence:.2f}" + (" (incoherent)" if t.incoherent
                                                                                   else ""),
                 "segments": "" if t.segments is None else t.segments,
                 "respondents": "" if t.respondents is None else t.respondents,
                 "aligned codes": "; ".join(f"{data.code(c).label} ({s:.0%})" if s == s else data.code(c).label
                                            for c, s in t.aligned) or
                 ("none (incoherent: not a candidate)" if t.incoherent else "none (candidate new theme)"),
                 "inherited recommendations": "; ".join(label for _, label in t.recommendations)}
                for t in data.topics.topics]
        if rows:
            out += [*md_table(pd.DataFrame(rows)), ""]
        out += ["Candidate new themes:", ""]
        for c in data.topics.candidates:
            out += [f"- **{esc(c.label)}** ({esc(c.code_id)}): {esc(', '.join(c.keywords))}"]
            out += [f"  > {esc(e)}".replace("\n", " ") for e in c.examples]
        if not data.topics.candidates:
            out += ["None."]
        out += [""]
    out += ["## 编码一致性 Inter-coder agreement", ""]
    if data.agreement is None:
        out += [esc(data.agreement_note), ""]
    else:
        out += [*md_table(data.agreement.map(fmt_cell) if len(data.agreement) else data.agreement), ""]
    if data.agreement_by_respondent is not None and len(data.agreement_by_respondent):
        out += ["Per respondent (a code counts as present for a respondent when a coder marked it on any of their segments):", "", *md_table(data.agreement_by_respondent.map(fmt_cell)), ""]
    if data.trust is not None:
        out += _trust(data.trust)
    return "\n".join(out)


def _trust(trust: TrustSection) -> list[str]:
    out = ["## 机器建议的可信度 Which source to trust", "", f"### {AGREEMENT_HEADING}", "",
           esc(trust.agreement_statement), ""]
    if trust.agreement is not None:
        out += [*md_table(shown_columns(trust.agreement, TRUST_SHOWN).map(fmt_cell)), ""]
    out += [f"### {EVALUATION_HEADING}", "", esc(trust.evaluation_statement), ""]
    if trust.evaluation is not None:
        out += [*md_table(shown_columns(trust.evaluation, EVALUATION_SHOWN).map(fmt_cell)), ""]
    if trust.untrained is not None and len(trust.untrained):
        out += ["Codes not learned on their own:", "",
                *md_table(shown_columns(trust.untrained, UNTRAINED_SHOWN).map(fmt_cell)), ""]
    return out


def write_markdown(data: ReportData, path: str | Path, figures: list[Figure] | None = None) -> list[Path]:
    """Write report.md and its SVG charts (in `report_files/` beside it); returns every path written."""
    path = Path(path)
    figures = report_figures(data) if figures is None else figures
    image_dir = path.parent / FILES_DIR
    image_dir.mkdir(parents=True, exist_ok=True)
    for stale in image_dir.glob("*.svg"):   # charts of an earlier report (e.g. an attribute since dropped)
        stale.unlink()
    written = []
    for fig in figures:
        target = image_dir / f"{fig.name}.svg"
        target.write_text(fig.svg, encoding="utf-8")
        written.append(target)
    path.write_text(render_markdown(data, figures, FILES_DIR), encoding="utf-8")
    return [path, *written]
