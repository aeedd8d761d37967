"""The report's problem -> cause -> recommendation chains: each path's counts, link evidence and quotes.

`chain_views` turns the run's `chains` and `links` tables (and the exemplar quotes picked for
every code) into the `ChainView` records all three report writers render.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from qualmine.coding.links import link_strength

QUOTES = 3


@dataclass(frozen=True)
class CodeRef:
    """A code as the report names it."""

    code_id: str
    kind: str
    label_zh: str
    label_en: str

    @property
    def label(self) -> str:
        return self.label_zh or self.label_en or self.code_id


@dataclass(frozen=True)
class Quote:
    text: str
    respondent_id: str
    attributes: tuple[tuple[str, str], ...]     # (attribute, value), non-empty values only
    segment_id: str = ""
    reviewed: bool = False                      # a coder accepted or added this code on the segment

    @property
    def attribution(self) -> str:
        values = "，".join(f"{k}: {v}" for k, v in self.attributes)
        return f"{self.respondent_id}（{values}）" if values else self.respondent_id


@dataclass(frozen=True)
class LinkEvidence:
    """One row of the `links` table, as the report shows it beside a chain's arrow."""

    link_type: str
    from_id: str
    to_id: str
    codebook_linked: bool
    respondents_both: int
    segments_both: int
    lift: float
    p_value: float
    connective_sentences: int
    connective_example: str
    connective_example_respondent: str
    candidate_link: bool
    strength: str = ""          # strong | some | none (coding.links.link_strength); '' on an older links table


@dataclass(frozen=True)
class ChainView:
    """One problem -> cause -> recommendation path with its counts, link evidence and quotes."""

    chain_id: str
    problem: CodeRef
    cause: CodeRef | None
    recommendation: CodeRef | None
    problem_segments: int
    problem_respondents: int
    cause_segments: int
    cause_respondents: int
    recommendation_segments: int
    recommendation_respondents: int
    problem_and_cause_respondents: int
    quotes: tuple[Quote, ...]
    problem_cause: LinkEvidence | None
    cause_recommendation: LinkEvidence | None
    problem_recommendation: LinkEvidence | None


def _link(links: pd.DataFrame | None, from_id: str, to_id: str) -> LinkEvidence | None:
    if links is None or not from_id or not to_id:
        return None
    hit = links[(links["from_id"].astype(str) == from_id) & (links["to_id"].astype(str) == to_id)]
    if hit.empty:
        return None
    r = hit.iloc[0]
    return LinkEvidence(
        str(r["link_type"]), from_id, to_id, _bool(r["codebook_linked"]), int(r["respondents_both"]),
        int(r["segments_both"]), float(r["lift"]), float(r["p_value"]), int(r["connective_sentences"]),
        str(r["connective_example"] or ""), str(r["connective_example_respondent"] or ""), _bool(r["candidate_link"]),
        link_strength(int(r["respondents_both"]), float(r["p_value"]), int(r["connective_sentences"])))


def _bool(value: object) -> bool:
    return value is True or str(value).strip().lower() in ("true", "1")


def quote_maker(respondents: pd.DataFrame):
    attrs = respondents.set_index(respondents["respondent_id"].astype(str))
    attr_cols = [c for c in respondents.columns if c != "respondent_id"]

    def quote(text: object, who: object, segment_id: object = "", reviewed: bool = False) -> Quote | None:
        text = "" if text is None or pd.isna(text) else str(text)
        if not text:
            return None
        who = str(who)
        pairs = ()
        if who in attrs.index:
            row = attrs.loc[who]
            row = row.iloc[0] if isinstance(row, pd.DataFrame) else row
            pairs = tuple((c, str(row[c])) for c in attr_cols if pd.notna(row[c]) and str(row[c]).strip())
        segment_id = "" if segment_id is None or pd.isna(segment_id) else str(segment_id)
        return Quote(text, who, pairs, segment_id, bool(reviewed))

    return quote


def chain_views(chains: pd.DataFrame, links: pd.DataFrame | None, respondents: pd.DataFrame,
                 codes: tuple[CodeRef, ...], reviewed: frozenset = frozenset(),
                 exemplars: dict[str, tuple[Quote, ...]] | None = None) -> list[ChainView]:
    """The chains as the report shows them; quotes are the problem's exemplars when the report has them.

    (A run written by an earlier picker keeps its `chains` table, but its report quotes what the
    current picker and the coders' decisions choose, the same as the report's quotes by code.)
    """
    by_id = {c.code_id: c for c in codes}
    quote = quote_maker(respondents)

    def ref(code_id: object, label: object) -> CodeRef | None:
        code_id = "" if code_id is None or pd.isna(code_id) else str(code_id)
        if not code_id:
            return None
        return by_id.get(code_id, CodeRef(code_id, "", str(label or ""), ""))

    views = []
    for r in chains.to_dict("records"):
        problem, cause, rec = (ref(r["problem_id"], r["problem_label"]), ref(r["cause_id"], r["cause_label"]),
                               ref(r["recommendation_id"], r["recommendation_label"]))
        if exemplars and str(r["problem_id"]) in exemplars:
            r = {**r, **{f"quote_{i}": "" for i in range(1, QUOTES + 1)}}
            for i, q in enumerate(exemplars[str(r["problem_id"])][:QUOTES], start=1):
                r[f"quote_{i}"], r[f"quote_{i}_respondent"], r[f"quote_{i}_segment_id"] = q.text, q.respondent_id, \
                    q.segment_id
        seg_ids = [r.get(f"quote_{i}_segment_id", "") for i in range(1, QUOTES + 1)]
        quotes = tuple(q for q in (quote(r.get(f"quote_{i}"), r.get(f"quote_{i}_respondent"), seg_ids[i - 1],
                                         (str(seg_ids[i - 1]), str(r["problem_id"])) in reviewed)
                                   for i in range(1, QUOTES + 1)) if q is not None)
        views.append(ChainView(
            chain_id=str(r["chain_id"]), problem=problem, cause=cause, recommendation=rec,
            **{k: int(r[k]) for k in ("problem_segments", "problem_respondents", "cause_segments",
                                      "cause_respondents", "recommendation_segments", "recommendation_respondents",
                                      "problem_and_cause_respondents")},
            quotes=quotes,
            problem_cause=_link(links, problem.code_id, cause.code_id if cause else ""),
            cause_recommendation=_link(links, cause.code_id if cause else "", rec.code_id if rec else ""),
            problem_recommendation=_link(links, problem.code_id, rec.code_id if rec else ""),
        ))
    return views
