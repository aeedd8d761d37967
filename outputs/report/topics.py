"""The report's topics section: emergent themes, what codes they align with, what they inherit.

Reads the topic stage's tables (`topics`, `topic_prevalence`, `topic_code_alignment`) and its
`candidate_codes.yaml`; any of them may be missing (topics switched off, or an older run) and the
section then shows what there is.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import yaml

from qualmine.coding.codebook import Codebook
from qualmine.coding.links import aligned_codes, topic_recommendations
from qualmine.corpus.yaml_safe import safe_load

ALL = "(all)"
TERMS_SHOWN = 8


@dataclass(frozen=True)
class TopicView:
    topic_id: str
    label: str
    terms: tuple[str, ...]
    segments: int | None
    respondents: int | None
    aligned: tuple[tuple[str, float], ...]          # (code_id, share), strongest first
    recommendations: tuple[tuple[str, str], ...]    # (recommendation_id, label) inherited via aligned codes
    coherence: float | None = None                  # the topic's own c_npmi (None: an older run)

    @property
    def incoherent(self) -> bool:
        return self.coherence is not None and not self.coherence > 0


@dataclass(frozen=True)
class CandidateTheme:
    code_id: str
    label: str
    keywords: tuple[str, ...]
    examples: tuple[str, ...]


@dataclass(frozen=True)
class TopicSection:
    topics: tuple[TopicView, ...]
    candidates: tuple[CandidateTheme, ...]
    notes: tuple[str, ...]


def topic_section(topics: pd.DataFrame | None, prevalence: pd.DataFrame | None,
                  alignment: pd.DataFrame | None, candidate_yaml: str | None,
                  codebook: Codebook | None, stage_notes: tuple[str, ...] = ()) -> TopicSection | None:
    """Assemble the section; None when the run has no topic output at all.

    `stage_notes`: what the topic stage said (run manifest `topics.notes`): non-answers kept out,
    an incoherent K, incoherent topics not proposed as codes.
    """
    if topics is None and alignment is None and candidate_yaml is None:
        return None
    notes: list[str] = list(stage_notes)
    views: list[TopicView] = []
    aligned = pd.DataFrame(columns=["topic_id", "code_id", "share"])
    if alignment is not None:
        try:
            aligned = aligned_codes(alignment)
        except ValueError as exc:
            notes.append(f"The topic-to-code alignment could not be read: {exc}.")
    else:
        notes.append("The run has no topic_code_alignment table: topics are shown without their codes.")
    inherited = pd.DataFrame(columns=["topic_id", "recommendation_id", "recommendation_label"])
    if codebook is not None and not aligned.empty:
        inherited = topic_recommendations(codebook, alignment)
    counts = _prevalence(prevalence)
    if topics is not None:
        frame = topics.copy()
        frame["topic_id"] = frame["topic_id"].astype(str)
        sort_cols = ["topic_id", "rank"] if "rank" in frame.columns else ["topic_id"]
        for topic_id, grp in frame.sort_values(sort_cols, kind="stable").groupby("topic_id", sort=False):
            terms = tuple(str(t) for t in grp["term"].head(TERMS_SHOWN)) if "term" in grp.columns else ()
            label = str(grp["label"].iloc[0]) if "label" in grp.columns else " / ".join(terms[:3])
            mine = aligned[aligned["topic_id"] == topic_id].sort_values("share", ascending=False)
            recs = inherited[inherited["topic_id"] == topic_id].drop_duplicates("recommendation_id")
            seg, resp = counts.get(topic_id, (None, None))
            coherence = None
            if "coherence" in grp.columns and pd.notna(grp["coherence"].iloc[0]):
                coherence = float(grp["coherence"].iloc[0])
            views.append(TopicView(
                topic_id, label, terms, seg, resp,
                tuple((str(c), float(s)) for c, s in zip(mine["code_id"], mine["share"])),
                tuple((str(i), str(lab)) for i, lab in zip(recs["recommendation_id"], recs["recommendation_label"])),
                coherence))
    else:
        notes.append("The run has no topics table: only the candidate themes are shown.")
    candidates: tuple[CandidateTheme, ...] = ()
    if candidate_yaml is not None:
        try:
            candidates = _candidates(candidate_yaml)
        except (yaml.YAMLError, TypeError, AttributeError) as exc:
            notes.append(f"candidate_codes.yaml could not be read ({type(exc).__name__}: {exc}).")
    return TopicSection(tuple(views), candidates, tuple(notes))


def _prevalence(prevalence: pd.DataFrame | None) -> dict[str, tuple[int | None, int | None]]:
    if prevalence is None or prevalence.empty or "topic_id" not in prevalence.columns:
        return {}
    frame = prevalence
    if "attribute" in frame.columns:
        frame = frame[frame["attribute"].astype(str) == ALL]
    out = {}
    for r in frame.drop_duplicates("topic_id").to_dict("records"):
        seg = int(r["segments"]) if "segments" in r and pd.notna(r["segments"]) else None
        resp = int(r["respondents"]) if "respondents" in r and pd.notna(r["respondents"]) else None
        out[str(r["topic_id"])] = (seg, resp)
    return out


def _candidates(text: str) -> tuple[CandidateTheme, ...]:
    data = safe_load(text) or {}
    codes = data.get("codes", []) if isinstance(data, dict) else data
    out = []
    for code in codes or []:
        label = code.get("label") or {}
        label_text = label.get("zh") or label.get("en") if isinstance(label, dict) else str(label)
        keywords = code.get("keywords") or {}
        terms = [*keywords.get("zh", []), *keywords.get("en", [])] if isinstance(keywords, dict) else list(keywords)
        out.append(CandidateTheme(str(code.get("id", "")), str(label_text or ""), tuple(str(t) for t in terms),
                                  tuple(str(e) for e in code.get("examples") or ())))
    return tuple(out)
