"""Evidence for the codebook's links: do the data put problems, causes and recommendations together?

The codebook says which causes lead to which problems and what answers them; `links` weighs that
against the coded data for EVERY (problem, cause), (problem, recommendation) and (cause,
recommendation) pair, linked in the codebook or not:

* `respondents_both` / `segments_both`: respondents who raised both codes (anywhere in what they
  said) and segments coded with both;
* `lift`: respondent-level co-occurrence over chance, `both * N / (n_from * n_to)`, where N is the
  number of respondents with at least one codable (non-interviewer) segment; 1 = independent;
* `p_value`: one-sided Fisher exact test of the same 2x2 respondent table (more together than
  chance), for reading lift on small samples;
* `connective_sentences`: segments, or two segments of one speaker turn (up to MAX_TURN_SPAN apart), where both
  codes' evidence is joined by a causal connective (rules: `coding.connectives`);
* `candidate_link`: the pair is NOT linked by the codebook, yet co-occurs strongly:
  `respondents_both >= min_respondents`, `lift >= min_lift` and `p_value <= max_p_value`
  (`LinkThresholds`, defaults 3, 1.5 and 0.05: at least three people, half again as often as
  chance, and unlikely by chance alone). Interview respondents raise many codes each, which
  inflates lift on mixed interview + survey corpora; the p-value guards against the smallest
  of those coincidences. A candidate is a prompt to read the quotes, not a finding.
* `strength`: the evidence in plain words (`link_strength`): `strong` (at least 3 respondents
  raised both and one-sided Fisher p <= 0.01, or p <= 0.05 with a connective sentence too),
  `some` (at least 2 respondents and p <= 0.1, or at least one connective sentence) or `none`.

A codebook link is inherited along `parent`: a sub-problem is linked to its parent's causes, and
a problem to the recommendations of its linked causes (the same paths the `chains` table walks).
Pure functions over DataFrames; the column contracts are in outputs/README.md.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import product

import numpy as np
import pandas as pd
from scipy.stats import fisher_exact

from qualmine.coding.codebook import Code, Codebook
from qualmine.coding.connectives import CausalConnectives, joining_connective, joining_connective_in_turn

LINK_TYPES = ("problem-cause", "problem-recommendation", "cause-recommendation")
LINK_COLUMNS = (
    "link_type", "from_id", "from_label", "to_id", "to_label", "codebook_linked", "codebook_basis",
    "from_respondents", "to_respondents", "respondents_both", "segments_both", "respondents_base",
    "lift", "p_value", "connective_sentences", "connective_example", "connective_example_respondent",
    "candidate_link", "strength",
)
STRENGTHS = ("strong", "some", "none")
STRENGTH_WORDS = {"strong": "strong support", "some": "some support", "none": "no support"}
LINK_SENTENCE_COLUMNS = (
    "link_type", "from_id", "to_id", "scope", "segment_id", "next_segment_id", "doc_id", "respondent_id",
    "connective", "text",
)


MAX_TURN_SPAN = 4    # sentences apart within one turn that a connective may still join


@dataclass(frozen=True)
class LinkThresholds:
    """When strong co-occurrence makes an unlisted pair a candidate link (see the module docstring)."""

    min_respondents: int = 3
    min_lift: float = 1.5
    max_p_value: float = 0.05


@dataclass(frozen=True)
class LinkPair:
    """One pair the links table reports on, with the codebook's word about it."""

    link_type: str
    from_id: str
    to_id: str
    codebook_linked: bool
    codebook_basis: str     # which code's list states the link, '' when none does


def _lineage(codebook: Codebook, code: Code) -> list[Code]:
    """The code and its ancestors, nearest first."""
    return list(codebook.lineage(code.id))


def _stated(codebook: Codebook, holder: Code, target: Code, field: str) -> str:
    """'' or why `holder` (or an ancestor) lists `target` (or an ancestor) in `field`."""
    targets = {c.id for c in _lineage(codebook, target)}
    for code in _lineage(codebook, holder):
        for listed in getattr(code, field):
            if listed in targets:
                return f"{code.id}.{field} lists {listed}"
    return ""


def link_pairs(codebook: Codebook) -> list[LinkPair]:
    """Every (problem, cause), (problem, recommendation) and (cause, recommendation) pair, in codebook order."""
    problems, causes, recs = (codebook.of_kind(k) for k in ("problem", "cause", "recommendation"))
    pairs = []
    for problem, cause in product(problems, causes):
        basis = _stated(codebook, problem, cause, "causes")
        pairs.append(LinkPair("problem-cause", problem.id, cause.id, bool(basis), basis))
    for problem, rec in product(problems, recs):
        basis = _stated(codebook, problem, rec, "recommendations")
        if not basis:
            for cause in causes:
                if _stated(codebook, problem, cause, "causes") and _stated(codebook, cause, rec, "recommendations"):
                    basis = f"via cause {cause.id}: {_stated(codebook, cause, rec, 'recommendations')}"
                    break
        pairs.append(LinkPair("problem-recommendation", problem.id, rec.id, bool(basis), basis))
    for cause, rec in product(causes, recs):
        basis = _stated(codebook, cause, rec, "recommendations")
        pairs.append(LinkPair("cause-recommendation", cause.id, rec.id, bool(basis), basis))
    return pairs


def link_strength(respondents_both: int, p_value: float, connective_sentences: int) -> str:
    """`strong`, `some` or `none`: how well the data back a link (rules in the module docstring)."""
    p = p_value if p_value == p_value else 1.0
    said = connective_sentences or 0
    if respondents_both >= 3 and (p <= 0.01 or (p <= 0.05 and said >= 1)):
        return "strong"
    if (respondents_both >= 2 and p <= 0.1) or said >= 1:
        return "some"
    return "none"


def _codable(segments: pd.DataFrame) -> pd.DataFrame:
    if "is_interviewer" not in segments.columns:
        return segments
    flag = segments["is_interviewer"].astype(str).str.lower().isin(("true", "1"))
    return segments[~flag]


def link_sentences(codebook: Codebook, applications: pd.DataFrame, segments: pd.DataFrame,
                   connectives: CausalConnectives | None = None) -> pd.DataFrame:
    """Segments (or adjacent segment pairs of one turn) where a causal connective joins a pair's evidence.

    Columns: LINK_SENTENCE_COLUMNS. `scope` is `segment` (both in one segment; `next_segment_id`
    empty), `adjacent` (evidence in consecutive segments of the same document and turn) or
    `turn` (up to MAX_TURN_SPAN segments apart in the same turn; the connective may sit in a
    sentence between them; `text` is the sentences from the first to the last).
    Evidence offsets (`start`, `end` of code_applications) index the document, as segment
    offsets do, so each is made local to its segment here.
    """
    connectives = connectives or CausalConnectives()
    wanted = {(p.from_id, p.to_id): p.link_type for p in link_pairs(codebook)}
    seg = segments[["segment_id", "doc_id", "respondent_id", "start", "text", "position", "turn", "lang"]].copy()
    seg = seg.sort_values(["doc_id", "position"], kind="stable").reset_index(drop=True)
    apps = applications[["segment_id", "code_id", "start", "end"]].drop_duplicates(["segment_id", "code_id"])
    evidence: dict[str, dict[str, tuple[int, int]]] = {}
    seg_start = dict(zip(seg["segment_id"], seg["start"].astype(int)))
    for segment_id, code_id, start, end in apps.itertuples(index=False):
        if segment_id in seg_start:
            offset = seg_start[segment_id]
            evidence.setdefault(segment_id, {})[code_id] = (int(start) - offset, int(end) - offset)

    rows: list[dict] = []
    hits_cache: dict[str, list] = {}

    def hits_of(segment_id: str, text: str) -> list:
        if segment_id not in hits_cache:
            hits_cache[segment_id] = connectives.find(text)
        return hits_cache[segment_id]

    def pair_type(a: str, b: str) -> tuple[str, str, str] | None:
        if (a, b) in wanted:
            return wanted[(a, b)], a, b
        if (b, a) in wanted:
            return wanted[(b, a)], b, a
        return None

    # Plain lists, and only rows with evidence visited: iterating 100k's of Arrow-backed rows cost seconds.
    ids, docs, respondents, texts, turns, langs = (
        seg[c].tolist() for c in ("segment_id", "doc_id", "respondent_id", "text", "turn", "lang"))
    for i in np.flatnonzero(seg["segment_id"].isin(evidence).to_numpy()).tolist():
        segment_id, doc_id = ids[i], docs[i]
        mine = evidence[segment_id]
        text = str(texts[i])
        codes = list(mine)
        for x, a in enumerate(codes):
            for b in codes[x + 1:]:
                found = pair_type(a, b)
                if found is None:
                    continue
                hit = joining_connective(hits_of(segment_id, text), mine[a], mine[b])
                if hit is not None:
                    rows.append({"link_type": found[0], "from_id": found[1], "to_id": found[2], "scope": "segment",
                                 "segment_id": segment_id, "next_segment_id": "", "doc_id": doc_id,
                                 "respondent_id": respondents[i], "connective": hit.connective, "text": text})
        # Later sentences of the same turn (an interview answer, a survey answer cut into sentences):
        # sentence splitting must not separate a cause from its problem.
        j = i + 1
        while j < len(ids) and j - i <= MAX_TURN_SPAN and docs[j] == doc_id and turns[j] == turns[i]:
            theirs = evidence.get(ids[j])
            if not theirs:
                j += 1
                continue
            next_id, next_text = ids[j], str(texts[j])
            between = [h for m in range(i + 1, j) for h in hits_of(ids[m], str(texts[m]))]
            for a, b in product(codes, theirs):
                found = pair_type(a, b) if a != b else None
                if found is None:
                    continue
                hit = joining_connective_in_turn(hits_of(segment_id, text), mine[a], len(text), between,
                                                 hits_of(next_id, next_text), theirs[b])
                if hit is not None:
                    joiner = "" if str(langs[i]) == "zh" else " "
                    rows.append({"link_type": found[0], "from_id": found[1], "to_id": found[2],
                                 "scope": "adjacent" if j == i + 1 else "turn",
                                 "segment_id": segment_id, "next_segment_id": next_id, "doc_id": doc_id,
                                 "respondent_id": respondents[i], "connective": hit.connective,
                                 "text": joiner.join(str(texts[m]) for m in range(i, j + 1))})
            j += 1
    frame = pd.DataFrame(rows, columns=list(LINK_SENTENCE_COLUMNS))
    # Codes present in both segments would report the same adjacent pair twice (a->b and b->a).
    return frame.drop_duplicates(["from_id", "to_id", "segment_id", "next_segment_id"]).reset_index(drop=True)


def links(codebook: Codebook, applications: pd.DataFrame, segments: pd.DataFrame,
          thresholds: LinkThresholds = LinkThresholds(), sentences: pd.DataFrame | None = None) -> pd.DataFrame:
    """The `links` table: one row per `link_pairs` pair with its co-occurrence and connective evidence."""
    if sentences is None:
        sentences = link_sentences(codebook, applications, segments)
    codable = _codable(segments)
    base = int(codable["respondent_id"].astype(str).nunique())
    # Only what respondents said counts: an interviewer's coded question is outside the base, and
    # counting it made people outside the base (a negative cell in the Fisher table).
    coded = applications[["segment_id", "code_id"]].drop_duplicates().merge(
        codable[["segment_id", "respondent_id"]], on="segment_id", how="inner")
    people = {c: set(g["respondent_id"].astype(str)) for c, g in coded.groupby("code_id")}
    segs = {c: set(g["segment_id"]) for c, g in coded.groupby("code_id")}
    by_pair = {key: grp for key, grp in sentences.groupby(["from_id", "to_id"], sort=False)}

    rows = []
    for pair in link_pairs(codebook):
        a_people, b_people = people.get(pair.from_id, set()), people.get(pair.to_id, set())
        both = len(a_people & b_people)
        n_a, n_b = len(a_people), len(b_people)
        lift = both * base / (n_a * n_b) if n_a and n_b and base else float("nan")
        p_value = float("nan")
        if n_a and n_b and base:
            table = [[both, n_a - both], [n_b - both, max(base - n_a - n_b + both, 0)]]
            p_value = float(fisher_exact(table, alternative="greater").pvalue)
        said = by_pair.get((pair.from_id, pair.to_id))
        n_said = 0 if said is None else len(said)
        example, example_by = ("", "")
        if said is not None:
            example, example_by = str(said["text"].iloc[0]), str(said["respondent_id"].iloc[0])
        candidate = (not pair.codebook_linked and both >= thresholds.min_respondents
                     and lift == lift and lift >= thresholds.min_lift and p_value <= thresholds.max_p_value)
        rows.append({
            "link_type": pair.link_type, "from_id": pair.from_id, "from_label": _label(codebook, pair.from_id),
            "to_id": pair.to_id, "to_label": _label(codebook, pair.to_id), "codebook_linked": pair.codebook_linked,
            "codebook_basis": pair.codebook_basis, "from_respondents": n_a, "to_respondents": n_b,
            "respondents_both": both, "segments_both": len(segs.get(pair.from_id, set()) & segs.get(pair.to_id, set())),
            "respondents_base": base, "lift": round(lift, 4) if lift == lift else lift,
            "p_value": round(p_value, 6) if p_value == p_value else p_value,
            "connective_sentences": n_said, "connective_example": example,
            "connective_example_respondent": example_by, "candidate_link": candidate,
            "strength": link_strength(both, p_value, n_said),
        })
    frame = pd.DataFrame(rows, columns=list(LINK_COLUMNS))
    return frame.astype({"codebook_linked": "bool", "candidate_link": "bool", "from_respondents": "int64",
                         "to_respondents": "int64", "respondents_both": "int64", "segments_both": "int64",
                         "respondents_base": "int64", "connective_sentences": "int64",
                         "lift": "float64", "p_value": "float64"})


def _label(codebook: Codebook, code_id: str) -> str:
    code = codebook.code(code_id)
    return code.label.zh or code.label.en or code_id


TOPIC_RECOMMENDATION_COLUMNS = ("topic_id", "code_id", "recommendation_id", "recommendation_label", "basis")
ALIGNMENT_SHARE_COLUMNS = ("share", "code_share", "segment_share", "dominant_share")
ALIGNMENT_BEST_COLUMNS = ("is_best", "best", "best_match")
# A topic aligns with a code it is *explained* by: the same 30 % as models.alignment.EXPLAINED_SHARE.
MIN_ALIGNMENT_SHARE = 0.3


def aligned_codes(alignment: pd.DataFrame, min_share: float = MIN_ALIGNMENT_SHARE) -> pd.DataFrame:
    """(topic_id, code_id, share) pairs where the topic aligns with the code.

    Reads `topic_code_alignment`: a pair aligns when the code covers at least `min_share` of the
    topic's dominant segments (its share column). A table without a share column falls back to
    its best-match flag (each topic's best-matching code).
    """
    share_col = next((c for c in ALIGNMENT_SHARE_COLUMNS if c in alignment.columns), None)
    best_col = next((c for c in ALIGNMENT_BEST_COLUMNS if c in alignment.columns), None)
    frame = alignment.copy()
    frame["topic_id"], frame["code_id"] = frame["topic_id"].astype(str), frame["code_id"].astype(str)
    if share_col is not None:
        frame["share"] = pd.to_numeric(frame[share_col], errors="coerce").fillna(0.0)
        keep = frame["share"] >= min_share
    elif best_col is not None:
        frame["share"] = float("nan")
        keep = frame[best_col].astype(str).str.lower().isin(("true", "1"))
    else:
        raise ValueError("topic_code_alignment needs a share column (one of "
                         f"{', '.join(ALIGNMENT_SHARE_COLUMNS)}) or a best-match flag (one of "
                         f"{', '.join(ALIGNMENT_BEST_COLUMNS)}); got columns {', '.join(alignment.columns)}")
    return frame.loc[keep, ["topic_id", "code_id", "share"]].reset_index(drop=True)


def code_recommendations(codebook: Codebook) -> dict[str, list[tuple[str, str]]]:
    """For each code id, the recommendations the codebook links to it, with the basis of each link.

    A recommendation answers itself; a cause or problem gets what `link_pairs` says is linked
    (a problem also through its causes and its parent).
    """
    out: dict[str, list[tuple[str, str]]] = {c.id: [] for c in codebook.codes}
    for rec in codebook.of_kind("recommendation"):
        out[rec.id].append((rec.id, "the code is this recommendation"))
    for pair in link_pairs(codebook):
        if pair.codebook_linked and pair.link_type.endswith("-recommendation"):
            out[pair.from_id].append((pair.to_id, pair.codebook_basis))
    return out


def topic_recommendations(codebook: Codebook, alignment: pd.DataFrame | None,
                          min_share: float = MIN_ALIGNMENT_SHARE) -> pd.DataFrame:
    """Each topic inherits the recommendations of the codes it aligns with (`aligned_codes`).

    Columns: TOPIC_RECOMMENDATION_COLUMNS, one row per (topic, aligned code, recommendation);
    empty when there is no alignment table (no topic model in the run). Codes not in the
    codebook (a different codebook version) are skipped.
    """
    if alignment is None or alignment.empty:
        return pd.DataFrame(columns=list(TOPIC_RECOMMENDATION_COLUMNS))
    recs = code_recommendations(codebook)
    rows = []
    for topic_id, code_id, _share in aligned_codes(alignment, min_share).itertuples(index=False):
        for rec_id, basis in recs.get(code_id, []):
            rows.append({"topic_id": topic_id, "code_id": code_id, "recommendation_id": rec_id,
                         "recommendation_label": _label(codebook, rec_id), "basis": basis})
    frame = pd.DataFrame(rows, columns=list(TOPIC_RECOMMENDATION_COLUMNS))
    return frame.drop_duplicates(["topic_id", "code_id", "recommendation_id"]).reset_index(drop=True)
