"""Charts as standalone SVG text: bar charts, grouped bar charts and a heat map.

Why SVG drawn here rather than matplotlib PNGs: text in an SVG is drawn by the viewer (browser,
Markdown previewer, Word 2016+) with ITS fonts, so Chinese labels come out as Chinese glyphs on
any machine that can show Chinese at all — nothing to ship, nothing to install, nothing fetched.
A PNG would bake in whatever font the machine that drew it had (none with Chinese glyphs on a
bare server: boxes). Each chart is one self-contained `<svg xmlns=...>` element, fit to inline
in HTML or to save as `NAME.svg` beside report.md. No external references of any kind.
"""
from __future__ import annotations

import unicodedata
from typing import Sequence
from xml.sax.saxutils import escape

FONT_STACK = ("'PingFang SC','Hiragino Sans GB','Microsoft YaHei','Noto Sans CJK SC','Source Han Sans SC',"
              "'WenQuanYi Micro Hei','Noto Sans',system-ui,-apple-system,'Segoe UI',Arial,sans-serif")
# Okabe-Ito: readable for colour-blind readers and in greyscale print.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
KIND_COLORS = {"problem": "#D55E00", "cause": "#E69F00", "recommendation": "#009E73", "need": "#0072B2",
               "satisfaction": "#CC79A7", "theme": "#777777"}
FONT_SIZE = 12
LABEL_MAX_EM = 16          # longer labels are cut with an ellipsis (the full label is the tooltip)


def text_em(text: str) -> float:
    """Approximate rendered width in em: CJK and other wide characters 1 em, the rest ~0.56 em."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.56 for ch in text)


def fit_label(text: str, max_em: float = LABEL_MAX_EM) -> str:
    if text_em(text) <= max_em:
        return text
    out = ""
    for ch in text:
        if text_em(out + ch + "…") > max_em:
            break
        out += ch
    return out + "…"


def _svg(width: float, height: float, body: list[str], title: str) -> str:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{escape(title, {chr(34): "&quot;"})}" '
            f'font-family="{escape(FONT_STACK, {chr(34): "&quot;"})}" font-size="{FONT_SIZE}">')
    return "\n".join([head, f"<title>{escape(title)}</title>",
                      '<rect width="100%" height="100%" fill="#ffffff"/>', *body, "</svg>"])


def _label(x: float, y: float, text: str, anchor: str = "end", weight: str = "normal", size: int = FONT_SIZE,
           fill: str = "#222222", max_em: float = LABEL_MAX_EM) -> str:
    shown = fit_label(text, max_em)
    tip = f"<title>{escape(text)}</title>" if shown != text else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-weight="{weight}" font-size="{size}" '
            f'fill="{fill}" dominant-baseline="middle">{tip}{escape(shown)}</text>')


def _label_width(labels: Sequence[str], max_em: float = LABEL_MAX_EM) -> float:
    return min(max((text_em(t) for t in labels), default=4), max_em) * FONT_SIZE + 14


def bar_chart(labels: Sequence[str], values: Sequence[float], *, title: str, colors: Sequence[str] | None = None,
              value_format: str = "{:g}", width: int = 760, legend: Sequence[tuple[str, str]] = ()) -> str:
    """Horizontal bars, one per label, with the value written at the end of each bar."""
    if len(labels) != len(values):
        raise ValueError(f"bar_chart needs one value per label; got {len(labels)} labels and {len(values)} values")
    row, top = 22, 34 + (22 if legend else 0)
    left = _label_width(labels)
    plot = width - left - 60
    top_value = max([float(v) for v in values] + [0.0]) or 1.0
    body = [_title(title, width)]
    body += _legend(legend, 10, 40)
    for i, (label, value) in enumerate(zip(labels, values)):
        y = top + i * row
        length = plot * float(value) / top_value
        color = colors[i] if colors else PALETTE[0]
        body.append(_label(left - 8, y + row / 2, str(label)))
        body.append(f'<rect x="{left:.1f}" y="{y + 3:.1f}" width="{max(length, 0):.1f}" height="{row - 6}" '
                    f'fill="{color}"><title>{escape(str(label))}: {escape(value_format.format(value))}</title></rect>')
        body.append(_label(left + length + 6, y + row / 2, value_format.format(value), anchor="start"))
    return _svg(width, top + len(labels) * row + 10, body, title)


def grouped_bar_chart(categories: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], *, title: str,
                      value_format: str = "{:.0%}", width: int = 760, max_value: float | None = None,
                      footnote: str = "") -> str:
    """Horizontal bar groups: per category one bar per series (e.g. per code, one per attribute value).

    `footnote`: a line of small text under the bars (e.g. what a * on a label means).
    """
    for name, values in series:
        if len(values) != len(categories):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(categories)} categories")
    bar, gap = 12, 10
    group = bar * max(len(series), 1) + gap
    legend, lines = _wrapped_legend([(name, PALETTE[i % len(PALETTE)]) for i, (name, _) in enumerate(series)],
                                    10, 40, wrap_at=width - 10)
    top = 34 + 22 * lines
    left = _label_width(categories)
    plot = width - left - 60
    top_value = max_value or max([float(v) for _, vs in series for v in vs] + [0.0]) or 1.0
    body = [_title(title, width)]
    body += legend
    for c, category in enumerate(categories):
        y0 = top + c * group
        body.append(_label(left - 8, y0 + bar * len(series) / 2, str(category)))
        for s, (name, values) in enumerate(series):
            value = float(values[c])
            length = plot * value / top_value
            y = y0 + s * bar
            body.append(f'<rect x="{left:.1f}" y="{y:.1f}" width="{max(length, 0):.1f}" height="{bar - 2}" '
                        f'fill="{PALETTE[s % len(PALETTE)]}"><title>{escape(str(category))} — {escape(str(name))}: '
                        f'{escape(value_format.format(value))}</title></rect>')
            body.append(_label(left + length + 4, y + (bar - 2) / 2, value_format.format(value), anchor="start",
                               size=10, fill="#555555"))
    height = top + len(categories) * group + 6
    if footnote:
        body.append(_label(10, height + 8, footnote, anchor="start", size=10, fill="#555555", max_em=200))
        height += 20
    return _svg(width, height, body, title)


def heat_map(row_labels: Sequence[str], col_labels: Sequence[str], values: Sequence[Sequence[float]], *,
             title: str, cell: int = 30, value_format: str = "{:g}") -> str:
    """A matrix of shaded cells with the value written in each; column labels are set vertically."""
    n_rows, n_cols = len(row_labels), len(col_labels)
    if len(values) != n_rows or any(len(r) != n_cols for r in values):
        raise ValueError(f"heat_map needs a {n_rows} x {n_cols} matrix of values")
    left = _label_width(row_labels)
    head = _label_width(col_labels) + 30
    peak = max([float(v) for r in values for v in r] + [0.0]) or 1.0
    width = max(left + n_cols * cell + 20, min(760, text_em(title) * 14.5 + 20))
    body = [_title(title, width)]
    for j, label in enumerate(col_labels):
        x = left + j * cell + cell / 2
        shown = fit_label(str(label))
        tip = f"<title>{escape(str(label))}</title>" if shown != str(label) else ""
        body.append(f'<text transform="translate({x:.1f},{head - 6:.1f}) rotate(-90)" text-anchor="start" '
                    f'dominant-baseline="middle" fill="#222222">{tip}{escape(shown)}</text>')
    for i, label in enumerate(row_labels):
        y = head + i * cell
        body.append(_label(left - 8, y + cell / 2, str(label)))
        for j, value in enumerate(values[i]):
            share = float(value) / peak
            x = left + j * cell
            text_fill = "#ffffff" if share > 0.55 else "#222222"
            body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{cell - 1}" height="{cell - 1}" fill="{_blue(share)}">'
                        f'<title>{escape(str(row_labels[i]))} × {escape(str(col_labels[j]))}: '
                        f'{escape(value_format.format(value))}</title></rect>')
            if value:
                body.append(f'<text x="{x + (cell - 1) / 2:.1f}" y="{y + (cell - 1) / 2:.1f}" text-anchor="middle" '
                            f'dominant-baseline="middle" font-size="10" fill="{text_fill}">'
                            f'{escape(value_format.format(value))}</text>')
    return _svg(width, head + n_rows * cell + 10, body, title)


def _title(title: str, width: float) -> str:
    # Bold 14 px: about 14 px per em; the full title stays in the tooltip when it is cut.
    return _label(10, 16, title, anchor="start", weight="bold", size=14, max_em=max((width - 20) / 14.5, 10))


def heat_color(share: float) -> str:
    """The heat map's colour for a value at `share` (0..1) of the maximum, as #RRGGBB."""
    return _blue(share)


def _blue(share: float) -> str:
    share = min(max(share, 0.0), 1.0)
    low, high = (247, 251, 255), (8, 48, 107)     # ColorBrewer Blues, ends
    rgb = [round(a + (b - a) * share) for a, b in zip(low, high)]
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _legend(items: Sequence[tuple[str, str]], x: float, y: float) -> list[str]:
    return _wrapped_legend(items, x, y, wrap_at=None)[0]


def _wrapped_legend(items: Sequence[tuple[str, str]], x: float, y: float, wrap_at: float | None,
                    ) -> tuple[list[str], int]:
    """Legend swatches left to right, a new line before one that would pass `wrap_at`; (elements, lines)."""
    out, x0, lines = [], x, 1
    for name, color in items:
        step = 16 + min(text_em(str(name)), 14) * FONT_SIZE + 18
        if wrap_at is not None and x > x0 and x + step - 18 > wrap_at:
            x, y, lines = x0, y + 22, lines + 1
        out.append(f'<rect x="{x:.1f}" y="{y - 6:.1f}" width="12" height="12" fill="{color}"/>')
        out.append(_label(x + 16, y, str(name), anchor="start", max_em=14))
        x += step
    return out, lines
