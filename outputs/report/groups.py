"""Respondent groups in the report: their names, sizes, natural order, and which differences hold up.

* Names and orders come from the corpus manifest's `attributes:` section (`corpus.manifest.AttributeInfo`);
  without one, the raw key is shown and values are ordered by `guess_order`.
* `guess_order`: values that all read as numbers or numeric ranges ("<1", "1-5", "5-10", ">10",
  "60+", "18-29") sort by their lower bound; anything else keeps the table's order.
* `significant_codes`: per code, is raising it independent of the group? A chi-square test of
  the 2 x G table (raised / did not, per group; Fisher's exact test when G = 2), p-values
  corrected over all codes of the attribute with Holm's step-down method (family-wise error
  <= ALPHA). Codes with a corrected p <= ALPHA are flagged; with small groups few will be.
"""
from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd

ALPHA = 0.05
SIGNIFICANCE_NOTE = ("* = the share differs between groups beyond chance (chi-square or Fisher's exact test, "
                     f"Holm-corrected over all codes, p ≤ {ALPHA:g}). n = respondents in the group.")
_NUMBER = r"(\d+(?:\.\d+)?)"
_RANGE_PATTERNS = (
    (re.compile(rf"^[<＜≤]\s*{_NUMBER}\D*$"), lambda m: float(m.group(1)) - 0.5),
    (re.compile(rf"^[>＞≥]\s*{_NUMBER}\D*$"), lambda m: float(m.group(1)) + 0.5),
    (re.compile(rf"^{_NUMBER}\s*(?:\+|以上|及以上)$"), lambda m: float(m.group(1)) + 0.5),
    (re.compile(rf"^{_NUMBER}\s*(?:以下|及以下)$"), lambda m: float(m.group(1)) - 0.5),
    (re.compile(rf"^{_NUMBER}\s*[-–~至到]\s*{_NUMBER}\D*$"), lambda m: float(m.group(1))),
    (re.compile(rf"^{_NUMBER}\D{{0,3}}$"), lambda m: float(m.group(1))),
)


def _lower_bound(value: str) -> float | None:
    text = str(value).strip()
    for pattern, key in _RANGE_PATTERNS:
        match = pattern.match(text)
        if match:
            return key(match)
    return None


def guess_order(values: list[str]) -> list[str]:
    """Values in natural order when all of them are numbers or numeric ranges, else as given."""
    keys = [_lower_bound(v) for v in values]
    if not values or any(k is None for k in keys):
        return list(values)
    return [v for _, _, v in sorted((k, i, v) for i, (k, v) in enumerate(zip(keys, values)))]


def ordered(values: list[str], order: list[str] | None) -> list[str]:
    """The manifest's order first (values it names), then the rest by `guess_order`."""
    values = [str(v) for v in values]
    if order:
        named = [v for v in order if v in values]
        return named + guess_order([v for v in values if v not in named])
    return guess_order(values)


def attribute_settings(corpus_dir: str | Path | None) -> tuple[dict[str, str], dict[str, list[str]], str]:
    """(labels, orders, note) from the corpus manifest's `attributes:`; empty when there is none.

    A manifest that cannot be read leaves the report with raw keys and a note saying why.
    """
    if not corpus_dir:
        return {}, {}, ""
    path = Path(corpus_dir) / "manifest.yaml"
    if not path.is_file():
        return {}, {}, ""
    from qualmine.corpus.errors import CorpusError
    from qualmine.corpus.manifest import load_manifest

    try:
        manifest = load_manifest(path)
    except CorpusError as exc:
        return {}, {}, f"Attribute names and orders could not be read from {path} ({exc})."
    labels = {k: v.label for k, v in manifest.attributes.items() if v.label}
    orders = {k: list(v.order) for k, v in manifest.attributes.items() if v.order}
    return labels, orders, ""


def holm(p_values: list[float]) -> list[float]:
    """Holm's step-down adjusted p-values (same order as given; NaN stays NaN)."""
    indexed = sorted((p, i) for i, p in enumerate(p_values) if p == p)
    m, out, running = len(indexed), [math.nan] * len(p_values), 0.0
    for rank, (p, i) in enumerate(indexed):
        running = max(running, min(1.0, (m - rank) * p))
        out[i] = running
    return out


def group_test(raised: list[int], sizes: list[int]) -> float:
    """p-value: is raising the code independent of the group? (chi-square; Fisher for two groups)."""
    from scipy.stats import chi2_contingency, fisher_exact

    pairs = [(r, n) for r, n in zip(raised, sizes) if n > 0]
    if len(pairs) < 2:
        return math.nan
    total_raised = sum(r for r, _ in pairs)
    total = sum(n for _, n in pairs)
    if total_raised == 0 or total_raised == total:
        return 1.0
    table = [[r for r, _ in pairs], [n - r for r, n in pairs]]
    if len(pairs) == 2:
        return float(fisher_exact(table).pvalue)
    return float(chi2_contingency(table).pvalue)


def group_differences(frequency: pd.DataFrame, attribute: str, rolled_up: bool) -> pd.DataFrame:
    """Per code: p_value, p_holm and `differs` (p_holm <= ALPHA) across the groups of `attribute`."""
    column = "respondents_incl_children" if rolled_up and "respondents_incl_children" in frequency.columns \
        else "respondents"
    rows = frequency[frequency["attribute"].astype(str) == attribute]
    # Plain lists per code, taken once: a pandas group per code made 1,000 codes cost seconds (issue #17).
    raised = rows[column].astype(int).groupby(rows["code_id"].astype(str), sort=False).agg(list)
    sizes = rows["respondents_in_group"].astype(int).groupby(rows["code_id"].astype(str), sort=False).agg(list)
    out = [{"code_id": code_id, "p_value": group_test(raised[code_id], sizes[code_id])} for code_id in raised.index]
    frame = pd.DataFrame(out, columns=["code_id", "p_value"])
    frame["p_holm"] = holm(frame["p_value"].tolist())
    frame["differs"] = frame["p_holm"] <= ALPHA
    return frame
