"""A self-contained HTML page of a run's topics: one file, inline CSS, no script, no network.

Per topic: its label, top terms with weight bars, prevalence (segments and respondents), the
best-matching code (or 'candidate code'), and exemplar quotes. pyLDAvis was not used: its page
loads D3 and its own JavaScript from a CDN, which breaks the no-network rule.
"""
from __future__ import annotations

from html import escape

import pandas as pd

from qualmine.models.alignment import candidate_code_id

_CSS = """
body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:2rem;color:#222;max-width:70rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin:0 0 .3rem}.meta{color:#666;font-size:.9rem}
.topic{border:1px solid #ddd;border-radius:6px;padding:1rem;margin:1rem 0;display:grid;grid-template-columns:22rem 1fr;gap:1.5rem}
table.terms{border-collapse:collapse;font-size:.9rem;width:100%}table.terms td{padding:1px 4px}
.bar{background:#4a7fb5;height:.7rem;border-radius:2px}.code{font-size:.9rem;margin:.3rem 0}
.candidate{color:#a4451b;font-weight:600}blockquote{margin:.4rem 0;padding:.3rem .7rem;border-left:3px solid #ccc;background:#fafafa}
table.k{border-collapse:collapse;font-size:.85rem}table.k td,table.k th{border:1px solid #ddd;padding:2px 8px;text-align:right}
tr.chosen{background:#eaf2fb;font-weight:600}
"""


def render_topics_html(topics: pd.DataFrame, prevalence: pd.DataFrame, alignment: pd.DataFrame,
                       k_scores: pd.DataFrame, exemplars: dict[str, list[str]], explanations: dict[str, str],
                       candidate_ids: set[str], title: str = "Topics") -> str:
    """The page as a string (write it with UTF-8). All inputs are the stage's tables."""
    overall = prevalence[prevalence["attribute"] == "(all)"].set_index("topic_id")
    best = alignment[alignment["best"]].set_index("topic_id") if len(alignment) else pd.DataFrame()
    parts = [f"<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'><title>{escape(title)}</title>",
             f"<style>{_CSS}</style></head><body><h1>{escape(title)}</h1>"]
    for lang, scores in k_scores.groupby("lang", sort=True):
        parts.append(f"<h2>{escape(str(lang))}: K selection</h2><p class='meta'>{escape(explanations.get(lang, ''))}</p>")
        parts.append("<table class='k'><tr><th>K</th><th>c_npmi</th><th>diversity</th><th>fit s</th></tr>")
        for row in scores.itertuples(index=False):
            cls = " class='chosen'" if row.chosen else ""
            parts.append(f"<tr{cls}><td>{row.k}</td><td>{row.c_npmi:.3f}</td><td>{row.diversity:.2f}</td>"
                         f"<td>{row.fit_seconds:.2f}</td></tr>")
        parts.append("</table>")
    for topic_id, terms in topics.groupby("topic_id", sort=True):
        terms = terms.sort_values("rank")
        top = float(terms["weight"].max()) or 1.0
        label = str(terms["label"].iloc[0])
        prev = overall.loc[topic_id] if topic_id in overall.index else None
        share = f"{prev['segment_share']:.0%}" if prev is not None else "–"
        counts = (f"{int(prev['segments'])} segments ({share}), {int(prev['respondents'])} respondents"
                  if prev is not None else "")
        rows = "".join(f"<tr><td>{escape(str(t))}</td><td style='width:60%'><div class='bar' "
                       f"style='width:{100 * float(w) / top:.0f}%'></div></td><td>{float(w):.3f}</td></tr>"
                       for t, w in zip(terms["term"], terms["weight"]))
        if topic_id in candidate_ids:
            code = (f"<p class='code candidate'>No code explains this topic: proposed as "
                    f"{escape(candidate_code_id(topic_id))} in candidate_codes.yaml</p>")
        else:
            code = ""
        if topic_id in getattr(best, "index", []):
            b = best.loc[topic_id]
            code += (f"<p class='code'>Best code: <b>{escape(str(b['code_id']))}</b> {escape(str(b['code_label']))} — "
                     f"{int(b['overlap_segments'])} of {int(b['topic_segments'])} segments ({float(b['share']):.0%})"
                     f"{', shared terms: ' + escape(str(b['shared_terms'])) if b['shared_terms'] else ''}</p>")
        quotes = "".join(f"<blockquote>{escape(q)}</blockquote>" for q in exemplars.get(topic_id, []))
        parts.append(f"<section class='topic' id='{escape(topic_id)}'><div><h2>{escape(topic_id)} · {escape(label)}</h2>"
                     f"<p class='meta'>{escape(counts)}</p><table class='terms'>{rows}</table></div>"
                     f"<div>{code}{quotes}</div></section>")
    parts.append("</body></html>")
    return "".join(parts)
