"""The linked tables a report writer uses, built from segments, respondents and code applications.

Pure functions over pandas DataFrames (no I/O): the column contracts are documented in
outputs/README.md and are relied on by users' scripts — extend them, don't rename them.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields

import pandas as pd

from qualmine.coding.codebook import Codebook
from qualmine.coding.exemplars import blend_fit, exemplar_support, pick_exemplars, quote_context
from qualmine.coding.suggest.exemplar_fit import empty_fit

ALL = "(all)"
MAX_ATTRIBUTE_VALUES = 30   # an attribute with more distinct values (free text, ids) is not a breakdown
QUOTES_PER_CHAIN = 3
MAX_EXEMPLAR_CANDIDATES = 2000   # per code; beyond this only the strongest mentions are ranked

CODE_FREQUENCY_COLUMNS = (
    "code_id", "kind", "label_zh", "label_en", "parent", "attribute", "value",
    "segments", "respondents", "respondents_in_group", "respondent_share",
    "segments_incl_children", "respondents_incl_children", "respondent_share_incl_children",
)
CHAIN_COLUMNS = (
    "chain_id", "problem_id", "problem_label", "cause_id", "cause_label",
    "recommendation_id", "recommendation_label",
    "problem_segments", "problem_respondents", "cause_segments", "cause_respondents",
    "recommendation_segments", "recommendation_respondents", "problem_and_cause_respondents",
    "quote_1", "quote_1_respondent", "quote_2", "quote_2_respondent", "quote_3", "quote_3_respondent",
    "quote_1_segment_id", "quote_2_segment_id", "quote_3_segment_id",
)
EXEMPLAR_COLUMNS = ("code_id", "rank", "segment_id", "respondent_id", "quote", "text", "reviewed", "support")
Reviewed = frozenset  # of (segment_id, code_id) pairs a coder accepted or added


@dataclass(frozen=True)
class CodedTables:
    """Every table of one run; each field's name is the table's file name."""

    documents: pd.DataFrame
    respondents: pd.DataFrame
    segments: pd.DataFrame
    code_applications: pd.DataFrame
    code_frequency: pd.DataFrame
    chains: pd.DataFrame
    ingestion_report: pd.DataFrame
    exemplar_fit: pd.DataFrame = field(default_factory=lambda: empty_fit())   # see coding.suggest.exemplar_fit

    def items(self) -> list[tuple[str, pd.DataFrame]]:
        # exemplar_fit exists only when the semantic layer ran: a rules-only run writes no empty table
        return [(f.name, getattr(self, f.name)) for f in fields(self)
                if f.name != "exemplar_fit" or len(self.exemplar_fit)]


def breakdown_attributes(respondents: pd.DataFrame) -> list[str]:
    """Respondent attributes worth breaking counts down by: few distinct values, some shared."""
    out = []
    for col in respondents.columns:
        if col == "respondent_id":
            continue
        values = respondents[col].astype(str).replace("", pd.NA).dropna()
        distinct = values.nunique()
        # A value per respondent (names, free text) groups nobody; tiny corpora are the exception.
        groups_someone = distinct < len(values) or len(values) < 4
        if 1 <= distinct <= MAX_ATTRIBUTE_VALUES and groups_someone:
            out.append(col)
    return out


def code_frequency(codebook: Codebook, applications: pd.DataFrame, segments: pd.DataFrame,
                   respondents: pd.DataFrame) -> pd.DataFrame:
    """Per code: segments and respondents overall (attribute == '(all)') and per attribute value.

    `segments`/`respondents` count the code's own applications; the `*_incl_children` columns
    also count every code below it along `parent` (a segment coded with two sub-codes counts once),
    as NVivo's "aggregate" does for a parent node.
    """
    coded = applications[["segment_id", "code_id"]].drop_duplicates().merge(
        segments[["segment_id", "respondent_id"]], on="segment_id", how="left")
    attributes = breakdown_attributes(respondents)
    if attributes:
        coded = coded.merge(respondents[["respondent_id", *attributes]], on="respondent_id", how="left")
    groups = [(ALL, ALL, None, respondents["respondent_id"].nunique())]
    for attr in attributes:
        sizes = respondents.groupby(respondents[attr].astype(str))["respondent_id"].nunique()
        groups += [(attr, value, value, int(size)) for value, size in sizes.items() if value != ""]
    rows = []
    present = set(coded["code_id"])
    for code in codebook.codes:
        base = {"code_id": code.id, "kind": code.kind, "label_zh": code.label.zh or "",
                "label_en": code.label.en or "", "parent": code.parent or ""}
        members = codebook.family(code.id)
        if present.isdisjoint(members):   # most codes of a big codebook: zeros, without filtering frames
            rows += [{**base, "attribute": attr, "value": value, "segments": 0, "respondents": 0,
                      "respondents_in_group": size, "segments_incl_children": 0, "respondents_incl_children": 0}
                     for attr, value, _, size in groups]
            continue
        family = coded[coded["code_id"].isin(members)]
        own = family["code_id"] == code.id
        as_text = {attr: family[attr].astype(str) for attr in attributes}
        for attr, value, match, size in groups:
            in_group = family if match is None else family[as_text[attr] == match]
            mine = in_group[own if match is None else own[in_group.index]]
            rows.append({**base, "attribute": attr, "value": value,
                         "segments": len(mine), "respondents": mine["respondent_id"].nunique(),
                         "respondents_in_group": size,
                         "segments_incl_children": in_group["segment_id"].nunique(),
                         "respondents_incl_children": in_group["respondent_id"].nunique()})
    frame = pd.DataFrame(rows, columns=[c for c in CODE_FREQUENCY_COLUMNS if "share" not in c])
    in_group = frame["respondents_in_group"].where(frame["respondents_in_group"] > 0)
    frame["respondent_share"] = (frame["respondents"] / in_group).fillna(0.0).round(4)
    frame["respondent_share_incl_children"] = (frame["respondents_incl_children"] / in_group).fillna(0.0).round(4)
    counts = ("segments", "respondents", "respondents_in_group", "segments_incl_children", "respondents_incl_children")
    return frame[list(CODE_FREQUENCY_COLUMNS)].astype({c: "int64" for c in counts})


def chain_paths(codebook: Codebook) -> list[tuple[str, str | None, str | None]]:
    """Every problem -> cause -> recommendation path the codebook states, in codebook order.

    A cause's recommendations and the problem's own recommendations both complete a path; a
    sub-problem without links of its own inherits its parent's; a problem without causes (or a
    cause without recommendations) still gets a row with a gap.
    """
    paths: list[tuple[str, str | None, str | None]] = []
    for problem in codebook.of_kind("problem"):
        causes: list[str | None] = list(codebook.inherited(problem.id, "causes")) or [None]
        for cause_id in causes:
            recs = list(codebook.inherited(problem.id, "recommendations"))
            if cause_id is not None:
                recs = list(dict.fromkeys([*codebook.inherited(cause_id, "recommendations"), *recs]))
            for rec_id in recs or [None]:
                paths.append((problem.id, cause_id, rec_id))
    return paths


def code_exemplars(codebook: Codebook, applications: pd.DataFrame, segments: pd.DataFrame,
                   reviewed: Reviewed = frozenset(), k: int = QUOTES_PER_CHAIN,
                   code_ids: list[str] | None = None, fit: pd.DataFrame | None = None,
                   max_candidates: int = MAX_EXEMPLAR_CANDIDATES) -> pd.DataFrame:
    """Up to k exemplar quotes per code (EXEMPLAR_COLUMNS), ranked by `coding.exemplars.pick_exemplars`.

    `reviewed`: (segment_id, code_id) pairs a coder accepted or added; they come first.
    `fit`: the semantic layer's and the rules' reading of each coded pair (segment_id, code_id,
    fit, contradicts: `coding.suggest.exemplar_fit`), or None: the most central segments rank
    first and a segment that contradicts its code is never quoted unless a coder accepted it.
    `quote` is the segment with its surrounding sentence when the segment is a fragment.
    `max_candidates`: a code with more coded segments ranks only this many: the reviewed pairs
    first, then the most `hits`, then the lowest segment_id.
    """
    wanted = [c.id for c in codebook.codes] if code_ids is None else code_ids
    cols = [c for c in ("segment_id", "code_id", "score", "hits") if c in applications.columns]
    coded = applications[cols].drop_duplicates(["segment_id", "code_id"]).merge(
        segments[["segment_id", "respondent_id", "text"]], on="segment_id", how="inner")
    coded = coded[coded["code_id"].isin(wanted)]
    per_segment = applications[["segment_id", "code_id"]].drop_duplicates().groupby("segment_id")["code_id"].nunique()
    context = quote_context(segments, set(coded["segment_id"].astype(str)))
    fit_of = None
    if fit is not None and len(fit):
        fit_of = fit.assign(segment_id=fit["segment_id"].astype(str), code_id=fit["code_id"].astype(str)).drop_duplicates(
            ["segment_id", "code_id"]).set_index(["segment_id", "code_id"])[["fit", "contradicts"]]
    rows = []
    for code_id, grp in coded.groupby("code_id", sort=False):
        if len(grp) > max_candidates:
            # The profile similarity is fitted per code: on a huge corpus, rank the reviewed pairs
            # and the segments where most of the code's terms fired, not every mention.
            is_reviewed = [(s, code_id) in reviewed for s in grp["segment_id"].astype(str)]
            grp = grp.assign(_r=is_reviewed, _h=grp["hits"] if "hits" in grp.columns else 1).sort_values(
                ["_r", "_h", "segment_id"], ascending=[False, False, True]).head(max_candidates)
            grp = grp.drop(columns=["_r", "_h"])
        code = codebook.code(code_id) if code_id in codebook.ids else None
        grp = grp.assign(support=exemplar_support(grp, code, per_segment),
                         reviewed=[(s, code_id) in reviewed for s in grp["segment_id"].astype(str)],
                         quote=grp["segment_id"].astype(str).map(context).fillna(grp["text"].astype(str)))
        if fit_of is not None:
            keys = list(zip(grp["segment_id"].astype(str), [str(code_id)] * len(grp)))
            found = fit_of.reindex(keys)
            grp = grp.assign(support=blend_fit(grp["support"], pd.Series(found["fit"].to_numpy(), index=grp.index),
                                               pd.Series(found["contradicts"].to_numpy(), index=grp.index),
                                               grp["reviewed"]))
        for rank, r in enumerate(pick_exemplars(grp, k).itertuples(index=False), start=1):
            rows.append({"code_id": code_id, "rank": rank, "segment_id": r.segment_id,
                         "respondent_id": r.respondent_id, "quote": r.quote, "text": r.text,
                         "reviewed": bool(r.reviewed), "support": float(r.support)})
    frame = pd.DataFrame(rows, columns=list(EXEMPLAR_COLUMNS))
    order = {c: i for i, c in enumerate(wanted)}
    frame = frame.sort_values(["code_id", "rank"], key=lambda s: s.map(order) if s.name == "code_id" else s)
    return frame.reset_index(drop=True).astype({"rank": "int64", "reviewed": "bool", "support": "float64"})


def chains(codebook: Codebook, applications: pd.DataFrame, segments: pd.DataFrame,
           reviewed: Reviewed = frozenset(), fit: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per codebook path with support counts and up to three exemplar quotes of the problem.

    The quotes are the problem's `code_exemplars` (coder-accepted first, then the most
    representative machine-coded segments, one per respondent; `fit`: see `code_exemplars`).
    """
    coded = applications.merge(segments[["segment_id", "respondent_id", "text"]], on="segment_id", how="left")
    by_code = {code_id: grp for code_id, grp in coded.groupby("code_id", sort=False)}
    empty = coded.iloc[0:0]

    def support(code_id: str | None) -> tuple[int, int, set[str]]:
        if code_id is None:
            return 0, 0, set()
        grp = by_code.get(code_id, empty)
        people = set(grp["respondent_id"].astype(str))
        return grp["segment_id"].nunique(), len(people), people

    paths = chain_paths(codebook)
    problems = list(dict.fromkeys(p for p, _, _ in paths))
    exemplars = code_exemplars(codebook, applications, segments, reviewed, code_ids=problems, fit=fit)
    quotes_of = {c: list(zip(g["quote"], g["respondent_id"], g["segment_id"]))
                 for c, g in exemplars.groupby("code_id", sort=False)}
    rows = []
    for n, (problem_id, cause_id, rec_id) in enumerate(paths, start=1):
        p_seg, p_resp, p_people = support(problem_id)
        c_seg, c_resp, c_people = support(cause_id)
        r_seg, r_resp, _ = support(rec_id)
        quotes = quotes_of.get(problem_id, [])
        row = {
            "chain_id": f"CH{n:03d}", "problem_id": problem_id, "problem_label": _label(codebook, problem_id),
            "cause_id": cause_id or "", "cause_label": _label(codebook, cause_id),
            "recommendation_id": rec_id or "", "recommendation_label": _label(codebook, rec_id),
            "problem_segments": p_seg, "problem_respondents": p_resp, "cause_segments": c_seg,
            "cause_respondents": c_resp, "recommendation_segments": r_seg, "recommendation_respondents": r_resp,
            "problem_and_cause_respondents": len(p_people & c_people),
        }
        for i in range(QUOTES_PER_CHAIN):
            text, who, seg = quotes[i] if i < len(quotes) else ("", "", "")
            row[f"quote_{i + 1}"], row[f"quote_{i + 1}_respondent"] = text, who
            row[f"quote_{i + 1}_segment_id"] = seg
        rows.append(row)
    return pd.DataFrame(rows, columns=list(CHAIN_COLUMNS))


def exemplar_quotes(coded: pd.DataFrame, prefer_respondents: set[str] = frozenset(), k: int = QUOTES_PER_CHAIN,
                    ) -> list[tuple[str, str]]:
    """k (quote, respondent) pairs from one code's applications joined with their segments.

    A thin wrapper of `coding.exemplars.pick_exemplars` (its ranking rules apply; pass
    `support`/`reviewed` columns to steer it). `prefer_respondents` is kept for callers of the
    earlier picker and no longer changes the ranking: preferring people who named a chain's
    cause favoured talkative interviewees over quotes that illustrate the problem.
    """
    picked = pick_exemplars(coded, k)
    return list(zip(picked["quote"].astype(str), picked["respondent_id"].astype(str)))


def _label(codebook: Codebook, code_id: str | None) -> str:
    if not code_id:
        return ""
    code = codebook.code(code_id)
    return code.label.zh or code.label.en or code_id


def build_tables(codebook: Codebook, documents: pd.DataFrame, segments: pd.DataFrame, respondents: pd.DataFrame,
                 applications: pd.DataFrame, ingestion_report: pd.DataFrame,
                 fit: pd.DataFrame | None = None) -> CodedTables:
    """All linked tables of a run from its documents, segments, respondents and code applications.

    `fit`: the exemplar fit of the coded pairs (`coding.suggest.exemplar_fit`) when the semantic
    layer ran; it steers the chains' quotes and is written as the `exemplar_fit` table.
    """
    return CodedTables(
        documents=documents,
        respondents=respondents,
        segments=segments,
        code_applications=applications,
        code_frequency=code_frequency(codebook, applications, segments, respondents),
        chains=chains(codebook, applications, segments, fit=fit),
        ingestion_report=ingestion_report,
        exemplar_fit=fit if fit is not None else empty_fit(),
    )
