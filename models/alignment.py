"""Tie topics back to the codebook: which codes explain a topic, and which topics no code explains.

A topic is *explained* by a code when at least `EXPLAINED_SHARE` (30 %) of the segments whose
dominant topic it is carry that code. Topics below that for every code become candidate codes:
a codebook fragment (`kind: theme`, ids `T-<LANG>-<n>`) a researcher can check and merge.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from qualmine.coding.codebook import Code, Codebook, LangTerms, LangText, dump_codebook, parse_codebook

EXPLAINED_SHARE = 0.3
MIN_CANDIDATE_COHERENCE = 0.0   # a topic's own c_npmi must be above this to be proposed as a code
CANDIDATE_KEYWORDS = 8
ALIGNMENT_COLUMNS = (
    "topic_id", "code_id", "code_label", "topic_segments", "code_segments", "overlap_segments", "share",
    "term_overlap", "shared_terms", "best",
)


def topic_code_alignment(dominant: pd.DataFrame, applications: pd.DataFrame, topics: pd.DataFrame,
                         codebook: Codebook, code_terms: Mapping[str, set[str]]) -> pd.DataFrame:
    """One row per (topic, code) with any overlap in segments or terms (ALIGNMENT_COLUMNS).

    dominant: segment_id, topic_id — each modelled segment's dominant topic.
    applications: segment_id, code_id — the run's code applications.
    topics: topic_id, term — the topics' top terms (the `topics` table).
    code_terms: code_id -> the code's keywords as prepared tokens (see `code_term_tokens`).
    `share` = overlap_segments / topic_segments; `best` marks each topic's best code: highest
    share, then most shared terms, then code id.
    """
    coded = applications[["segment_id", "code_id"]].drop_duplicates()
    topic_sizes = dominant.groupby("topic_id")["segment_id"].nunique()
    # A set of plain str and a C-level map: pandas' isin on string columns took 1.2 s at 180k segments.
    modelled = set(dominant["segment_id"].to_numpy(dtype=object).tolist())
    in_model = np.fromiter(map(modelled.__contains__, coded["segment_id"].to_numpy(dtype=object).tolist()),
                           dtype=bool, count=len(coded))
    code_sizes = coded[in_model].groupby("code_id")["segment_id"].nunique()
    overlap = dominant[["segment_id", "topic_id"]].merge(coded, on="segment_id")
    overlap_counts = overlap.groupby(["topic_id", "code_id"])["segment_id"].nunique()
    top_terms = topics.groupby("topic_id")["term"].apply(list)
    rows = []
    for topic_id in topics["topic_id"].drop_duplicates():
        terms = top_terms.get(topic_id, [])
        size = int(topic_sizes.get(topic_id, 0))
        for code in codebook.codes:
            n = int(overlap_counts.get((topic_id, code.id), 0))
            shared = [t for t in terms if t in code_terms.get(code.id, set())]
            if not n and not shared:
                continue
            rows.append({"topic_id": topic_id, "code_id": code.id, "code_label": code.label.zh or code.label.en or "",
                         "topic_segments": size, "code_segments": int(code_sizes.get(code.id, 0)),
                         "overlap_segments": n, "share": round(n / size, 4) if size else 0.0,
                         "term_overlap": len(shared), "shared_terms": " ".join(shared)})
    frame = pd.DataFrame(rows, columns=list(ALIGNMENT_COLUMNS[:-1]))
    frame["best"] = False
    if len(frame):
        ranked = frame.sort_values(["topic_id", "share", "term_overlap", "code_id"], ascending=[True, False, False, True])
        frame.loc[ranked.groupby("topic_id").head(1).index, "best"] = True
    return frame.astype({"topic_segments": "int64", "code_segments": "int64", "overlap_segments": "int64",
                         "term_overlap": "int64", "best": bool})


def unexplained_topics(topics: pd.DataFrame, alignment: pd.DataFrame, threshold: float = EXPLAINED_SHARE) -> list[str]:
    """Topic ids whose best code covers less than `threshold` of their dominant segments."""
    best = alignment[alignment["best"]].set_index("topic_id")["share"] if len(alignment) else pd.Series(dtype=float)
    return [t for t in topics["topic_id"].drop_duplicates() if float(best.get(t, 0.0)) < threshold]


def candidate_codes(topics: pd.DataFrame, alignment: pd.DataFrame, exemplars: Mapping[str, list[str]],
                    run_id: str = "", threshold: float = EXPLAINED_SHARE,
                    coherence: Mapping[str, float] | None = None,
                    min_coherence: float = MIN_CANDIDATE_COHERENCE) -> Codebook | None:
    """A codebook of `theme` codes, one per unexplained COHERENT topic; None when there is none.

    topics: the `topics` table (topic_id, lang, rank, term, label). exemplars: topic_id -> quotes.
    coherence: topic_id -> the topic's own c_npmi; when given, only topics above `min_coherence`
    become candidates (a topic whose terms co-occur less than chance is not a theme).
    Ids are 'T-' + the topic id in upper case ('zh-03' -> 'T-ZH-03').
    """
    codes = []
    for topic_id in unexplained_topics(topics, alignment, threshold):
        if coherence is not None and not coherence.get(topic_id, float("nan")) > min_coherence:
            continue
        mine = topics[topics["topic_id"] == topic_id].sort_values("rank")
        lang = str(mine["lang"].iloc[0])
        terms = [str(t).replace("_", " ") for t in mine["term"]]
        keywords = list(dict.fromkeys(t for t in terms if t.strip()))[:CANDIDATE_KEYWORDS]
        label = str(mine["label"].iloc[0])
        codes.append(Code(
            id=candidate_code_id(topic_id), kind="theme",
            label=LangText(**{lang: label}),
            definition=LangText(**{lang: _definition(lang, terms, topic_id)}),
            keywords=LangTerms(**{lang: tuple(keywords)}),
            examples=tuple(exemplars.get(topic_id, [])[:3]),
        ))
    if not codes:
        return None
    described = f" of run {run_id}" if run_id else ""
    return Codebook(name=f"Candidate codes from topics{described}", version=1,
                    description=("Topics that no existing code explains (the best code covers less than "
                                 f"{threshold:.0%} of the topic's segments). Review, rename and merge the ones "
                                 "worth keeping into the study codebook."),
                    codes=tuple(codes))


def candidate_codes_yaml(book: Codebook) -> str:
    """The fragment as codebook YAML, checked by the codebook validator before it is returned."""
    text = dump_codebook(book)
    parse_codebook(text, source="candidate_codes.yaml")   # raises if the fragment would not validate
    return text


def candidate_code_id(topic_id: str) -> str:
    return "T-" + str(topic_id).upper()


def _definition(lang: str, terms: list[str], topic_id: str) -> str:
    shown = ", ".join(terms[:10])
    if lang == "zh":
        return f"主题模型发现的主题 {topic_id}（现有代码未覆盖）。高权重词：{shown}。"
    return f"Theme found by the topic model as topic {topic_id}, not covered by an existing code. Top terms: {shown}."
