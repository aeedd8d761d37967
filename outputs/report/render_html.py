"""report.html: one self-contained file (inline CSS, inline SVG charts, no scripts, no fetched resources).

Rendered with Jinja2 (autoescaping on: respondents' words are data, never markup) from
`templates/report.html.j2`. Charts are inline SVG whose text uses the reader's own fonts, so
Chinese labels show as Chinese wherever the browser can show Chinese.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from qualmine.coding.links import STRENGTH_WORDS, LinkThresholds, link_strength
from qualmine.outputs.report.charts import FONT_STACK
from qualmine.outputs.report.data import ReportData
from qualmine.outputs.report.trust import (
    AGREEMENT_HEADING, EVALUATION_HEADING, EVALUATION_SHOWN, TRUST_SHOWN, UNTRAINED_SHOWN, shown_columns,
)
from qualmine.outputs.report.summary import executive_summary
from qualmine.outputs.report.figures import (MAX_CHART_VALUES, Figure, attribute_title, code_breakdown, group_sizes,
                                            report_figures, shown_label, significant_codes)
from qualmine.outputs.report.groups import SIGNIFICANCE_NOTE

TEMPLATES = Path(__file__).resolve().parent / "templates"
_XMLNS = re.compile(r'\s+xmlns="[^"]*"')


@dataclass(frozen=True)
class InlineFigure:
    name: str
    title: str
    svg_inline: str


def fmt_lift(value: float) -> str:
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.2f}×"


def fmt_cell(value: object) -> str:
    if isinstance(value, float):
        return "—" if math.isnan(value) else f"{value:.3g}"
    return "" if value is None else str(value)


def thresholds_sentence(t: LinkThresholds = LinkThresholds()) -> str:
    return (f"at least {t.min_respondents} respondents raised both, lift ≥ {t.min_lift:g}× and "
            f"one-sided Fisher p ≤ {t.max_p_value:g}")


def mode_heading(data: ReportData) -> str:
    return "本报告仅显示经审核的编码 Reviewed codes only" if data.mode == "reviewed" else \
        "本报告包含机器建议的编码 Includes machine-suggested codes"


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html", "j2"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(shown_columns=shown_columns, trust_headings=(AGREEMENT_HEADING, EVALUATION_HEADING),
                       trust_columns=(TRUST_SHOWN, EVALUATION_SHOWN, UNTRAINED_SHOWN))
    env.globals.update(fmt_lift=fmt_lift, fmt_cell=fmt_cell, shown_label=shown_label, attribute_title=attribute_title,
                       group_sizes=group_sizes, significant_codes=significant_codes,
                       significance_note=SIGNIFICANCE_NOTE,
                       strength_words=lambda link: STRENGTH_WORDS[link.strength or link_strength(
                           link.respondents_both, link.p_value, link.connective_sentences)])
    return env


def wide_attribute_tables(data: ReportData) -> list[tuple[str, pd.DataFrame]]:
    """Attributes with too many values for bars, as code x value share tables."""
    out = []
    for attribute in data.attributes:
        table = code_breakdown(data, attribute)
        if not table.empty and table.shape[1] > MAX_CHART_VALUES:
            out.append((attribute, table))
    return out


def render_html(data: ReportData, figures: list[Figure] | None = None) -> str:
    """The whole report as one HTML string."""
    figures = report_figures(data) if figures is None else figures
    # Inline SVG in HTML needs no namespace declaration; leaving it out keeps the page free of URLs.
    inline = [InlineFigure(f.name, f.title, _XMLNS.sub("", f.svg, count=1)) for f in figures]
    template = _environment().get_template("report.html.j2")
    # The font stack is our constant, not data: CSS needs its quotes unescaped.
    return template.render(data=data, figures=inline, font_stack=Markup(FONT_STACK), mode_heading=mode_heading(data),
                           thresholds=thresholds_sentence(), wide_tables=wide_attribute_tables(data),
                           summary=executive_summary(data))


def write_html(data: ReportData, path: str | Path, figures: list[Figure] | None = None) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(render_html(data, figures), encoding="utf-8")
    tmp.replace(path)
    return path
