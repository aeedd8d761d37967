"""The report's figures, drawn from a ReportData with `outputs.report.charts` (shared by HTML and Markdown)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd

from qualmine.outputs.report.charts import KIND_COLORS, bar_chart, grouped_bar_chart, heat_map
from qualmine.outputs.report.data import ALL, ReportData
from qualmine.outputs.report.groups import SIGNIFICANCE_NOTE, group_differences, ordered

MAX_CHART_VALUES = 8     # an attribute with more values than this is shown as a table, not bars
# A chart of thousands of codes cannot be read, and its PNG (for report.docx) exceeds what cairo
# can draw (32,767 px): 1,000 codes crashed the report (issue #17). Charts show the codes most
# respondents mentioned; the tables keep every code.
MAX_CHART_CODES = 40
MAX_HEATMAP_CODES = 30
# A share table of more codes than this lists only the codes someone raised (the rest are all 0 %):
# 10,000 codes made tables of 10,000 rows per attribute in every format (issue #17).
MAX_TABLE_CODES = 200
_SIGNIFICANT: dict[tuple, tuple] = {}   # (id(frequency), attribute, rolled up) -> (frequency, significant codes)


@dataclass(frozen=True)
class Figure:
    name: str        # file stem when saved: figure_<name>.svg
    title: str
    svg: str


INCL_CHILDREN = "（含子代码 incl. sub-codes）"
INCL_CHILDREN_SHORT = "（含子代码）"   # chart labels are cut at 16 em; the chart's title says it in English
CHART_NOTE = " — 父代码含子代码 parents include sub-codes"


def shown_label(data: ReportData, code_id: str, short: bool = False) -> str:
    """A code's label in the report's counts: a parent says that it includes its sub-codes."""
    if code_id not in data.codes_with_children:
        return data.code(code_id).label
    return data.code(code_id).label + (INCL_CHILDREN_SHORT if short else INCL_CHILDREN)


def _rolled_up(data: ReportData) -> pd.DataFrame:
    # A parent's bar or share counts its sub-codes too (a segment coded twice counts once).
    frame = data.frequency
    if not data.codes_with_children:
        return frame
    return frame.assign(respondents=frame["respondents_incl_children"],
                        respondent_share=frame["respondent_share_incl_children"])


def code_breakdown(data: ReportData, attribute: str) -> pd.DataFrame:
    """Respondent share per code (rows, codebook order) and attribute value (columns, natural order).

    Parents include their sub-codes. Columns follow the manifest's order for the attribute, else
    `groups.guess_order` (numeric ranges by their lower bound).
    """
    frequency = _rolled_up(data)
    rows = frequency[frequency["attribute"].astype(str) == attribute]
    table = rows.pivot_table(index="code_id", columns="value", values="respondent_share", aggfunc="first")
    order = [c.code_id for c in data.codes if c.code_id in table.index]
    columns = ordered([str(v) for v in dict.fromkeys(rows["value"].astype(str)) if str(v) in table.columns],
                      data.attribute_orders.get(attribute))
    table = table.reindex(index=order, columns=columns).fillna(0.0)
    if len(table) > MAX_TABLE_CODES:
        raised = table.index[(table > 0).any(axis=1)]
        unlisted = len(table) - len(raised)
        table = table.loc[raised]
        table.attrs["unlisted"] = unlisted
    return table


def unlisted_note(table: pd.DataFrame) -> str:
    """The sentence saying how many codes a big share table leaves out ('' when none)."""
    n = table.attrs.get("unlisted", 0)
    return f"{n} code(s) nobody in these groups raised are not listed (0 % everywhere)." if n else ""


def attribute_title(data: ReportData, attribute: str) -> str:
    """The attribute's name in the report: the manifest's label, else its key."""
    return data.attribute_labels.get(attribute) or attribute


def attribute_slug(attribute: str) -> str:
    """The file-name part of an attribute's chart (figure name `by_<slug>`)."""
    return _slug(attribute)


def group_sizes(data: ReportData, attribute: str) -> dict[str, int]:
    """Respondents per value of `attribute` (the n of each group)."""
    rows = data.frequency[data.frequency["attribute"].astype(str) == attribute]
    return {str(v): int(n) for v, n in zip(rows["value"], rows["respondents_in_group"])}


def significant_codes(data: ReportData, attribute: str) -> set[str]:
    """Codes whose share differs between the groups of `attribute` (`groups.group_differences`)."""
    key = (id(data.frequency), attribute, bool(data.codes_with_children))
    cached = _SIGNIFICANT.get(key)
    if cached is None or cached[0] is not data.frequency:    # each renderer asks again: test once
        tests = group_differences(data.frequency, attribute, rolled_up=bool(data.codes_with_children))
        if len(_SIGNIFICANT) >= 64:
            _SIGNIFICANT.clear()
        cached = _SIGNIFICANT[key] = (data.frequency, frozenset(tests.loc[tests["differs"], "code_id"]))
    return set(cached[1])


def overall_respondents(data: ReportData) -> dict[str, int]:
    """Respondents per code over the whole run (parents incl. sub-codes), by code id."""
    frequency = _rolled_up(data)
    overall = frequency[frequency["attribute"].astype(str) == ALL]
    return dict(zip(overall["code_id"].astype(str), overall["respondents"].astype(int)))


def report_figures(data: ReportData) -> list[Figure]:
    """Overall code frequency, one breakdown per charted attribute, and the co-occurrence heat map."""
    figures = []
    counts = overall_respondents(data)
    codes = [c for c in data.codes if c.code_id in counts]
    note = CHART_NOTE if data.codes_with_children else ""
    charted = set(_top(codes_by_count := {c.code_id: counts[c.code_id] for c in codes}, MAX_CHART_CODES))
    top_note = "" if len(charted) == len(codes) else f"（前 {len(charted)} top {len(charted)} of {len(codes)} codes）"
    codes = [c for c in codes if c.code_id in charted]
    if codes:
        title = "各代码提及人数 Respondents per code" + top_note + note
        figures.append(Figure("code_frequency", title, bar_chart(
            [shown_label(data, c.code_id, short=True) for c in codes], [counts[c.code_id] for c in codes],
            title=title,
            colors=[KIND_COLORS.get(c.kind, "#777777") for c in codes],
            legend=[(k, v) for k, v in KIND_COLORS.items() if any(c.kind == k for c in codes)])))
    for attribute in data.attributes:
        table = code_breakdown(data, attribute)
        table = table.loc[[c for c in table.index if c in charted or len(codes_by_count) <= MAX_CHART_CODES]]
        if table.empty or table.shape[1] > MAX_CHART_VALUES:
            continue
        name = attribute_title(data, attribute)
        flagged = significant_codes(data, attribute)
        title = f"按 {name} 分组的提及比例 Share of respondents by {name}" + note
        labels = [("* " if c in flagged else "") + shown_label(data, c, short=True) for c in table.index]
        sizes = group_sizes(data, attribute)
        series = [(f"{v} (n={sizes.get(str(v), '?')})", [float(x) for x in table[v]]) for v in table.columns]
        figures.append(Figure(f"by_{_slug(attribute)}", title, grouped_bar_chart(
            labels, series, title=title, footnote=SIGNIFICANCE_NOTE if flagged else "")))
    matrix = data.cooccurrence
    used = [c for c in matrix.index if matrix.loc[c, c] > 0]
    if len(used) > MAX_HEATMAP_CODES:
        kept = set(_top({c: matrix.loc[c, c] for c in used}, MAX_HEATMAP_CODES))
        used = [c for c in used if c in kept]
    if len(used) >= 2:
        sub = matrix.loc[used, used]
        labels = [data.code(c).label for c in used]
        title = "代码共现（同时提及的受访者数）Code co-occurrence (respondents)"
        figures.append(Figure("cooccurrence", title, heat_map(labels, labels, sub.values.tolist(), title=title)))
    return figures


def _top(counts: dict[str, float], n: int) -> list[str]:
    """The `n` ids with the highest counts (ties: first in codebook order), or all of them."""
    if len(counts) <= n:
        return list(counts)
    return sorted(counts, key=lambda c: -counts[c])[:n]   # sorted() is stable: codebook order breaks ties


def _slug(text: str) -> str:
    out = "".join(ch if ch.isalnum() and ch.isascii() else "_" for ch in text).strip("_")
    return out or "attr_" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
