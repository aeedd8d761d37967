"""The topic stage as one plain function: run tables in, topic tables out (no I/O, no Prefect).

Languages are modelled separately (a Chinese and an English answer share no words, so a joint
model would only rediscover the language split); topic ids carry the language ('zh-01', 'en-03').
A language with too few usable segments is skipped with a note; the stage fails only when no
language could be modelled.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from qualmine import SEED
from qualmine.coding.codebook import Codebook
from qualmine.models.alignment import (ALIGNMENT_COLUMNS, EXPLAINED_SHARE, MIN_CANDIDATE_COHERENCE, candidate_codes,
                                       topic_code_alignment, unexplained_topics)
from qualmine.models.base import TopicModelError, int_in, param_error
from qualmine.models.engines import DEFAULT_ENGINE, ENGINES, make_topic_model
from qualmine.models.prepare import LANGS, TextPreparer
from qualmine.models.nonanswers import is_non_substantive
from qualmine.models.selection import (COHERENCE_TOP_N, K_SCORE_COLUMNS, MIN_DIVERSITY, coherence_sample, k_range,
                                       select_k, topic_coherences)
from qualmine.models.tables import (SEGMENT_TOPIC_COLUMNS, TOPIC_COLUMNS, segment_topics_table, topic_exemplars,
                           topic_prevalence, topics_table)

K_MIN, K_MAX = 3, 12
TOPIC_TABLES = ("topics", "segment_topics", "topic_prevalence", "topic_code_alignment", "topic_k_scores")


@dataclass(frozen=True)
class TopicSettings:
    """Parameters of the topic stage (validated; errors use the one parameter-error wording)."""

    engine: str = DEFAULT_ENGINE
    k: int | None = None              # None: search k_min..k_max
    k_min: int = K_MIN
    k_max: int = K_MAX
    seed: int = SEED
    include_interviewer: bool = False
    min_diversity: float = MIN_DIVERSITY
    explained_share: float = EXPLAINED_SHARE

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise param_error("TopicSettings", "engine", "one of " + ", ".join(repr(e) for e in ENGINES), self.engine)
        check, expected = int_in(2, 500)
        if self.k is not None and not check(self.k):
            raise param_error("TopicSettings", "k", expected + " (or None to search)", self.k)
        for name in ("k_min", "k_max"):
            if not check(getattr(self, name)):
                raise param_error("TopicSettings", name, expected, getattr(self, name))
        if self.k_max < self.k_min:
            raise param_error("TopicSettings", "k_max", f"an int >= k_min ({self.k_min})", self.k_max)


@dataclass(frozen=True)
class LanguageModel:
    """What was fitted for one language, and why this K."""

    lang: str
    engine: str
    k: int
    explanation: str
    documents: int           # segments with words after preparation (modelled)
    empty_documents: int     # segments whose words were all stop words or pruned


@dataclass(frozen=True)
class TopicRun:
    """The topic stage's output: every table, the candidate codes and what was chosen."""

    topics: pd.DataFrame
    segment_topics: pd.DataFrame
    topic_prevalence: pd.DataFrame
    topic_code_alignment: pd.DataFrame
    topic_k_scores: pd.DataFrame
    exemplars: dict[str, list[str]]
    candidate_codes: Codebook | None
    languages: list[LanguageModel] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def tables(self) -> list[tuple[str, pd.DataFrame]]:
        return [(name, getattr(self, name)) for name in TOPIC_TABLES]

    def manifest_section(self) -> dict[str, Any]:
        """The run manifest's `topics` entry: chosen K and why, and every K's score."""
        return {
            "languages": [
                {"lang": m.lang, "engine": m.engine, "k": m.k, "explanation": m.explanation,
                 "documents": m.documents, "empty_documents": m.empty_documents,
                 "k_scores": self.topic_k_scores[self.topic_k_scores["lang"] == m.lang]
                 .drop(columns=["lang"]).to_dict(orient="records")}
                for m in self.languages
            ],
            "candidate_codes": [c.id for c in self.candidate_codes.codes] if self.candidate_codes else [],
            "notes": list(self.notes),
        }


def code_term_tokens(codebook: Codebook, preparer: TextPreparer) -> dict[str, set[str]]:
    """Each code's keywords in `preparer.lang`, tokenised like the segments, plus each whole keyword."""
    return {code.id: {t for keyword in code.keywords.for_lang(preparer.lang)
                      for t in (*preparer.tokenize(keyword), keyword.strip().lower())}
            for code in codebook.codes}


def user_words(codebook: Codebook, lang: str) -> list[str]:
    """The codebook's keywords in `lang`: jieba keeps them whole, English joins multi-word ones."""
    return [kw for code in codebook.codes for kw in code.keywords.for_lang(lang)]


def fit_language(texts: list[str], lang: str, codebook: Codebook, settings: TopicSettings
                 ) -> tuple[TextPreparer, list[list[str]], Any, pd.DataFrame, str]:
    """Prepare one language's texts, fit (or search K), return preparer, docs, model, K scores, why."""
    preparer = TextPreparer(lang, user_words=user_words(codebook, lang),
                            min_df=2 if len(texts) >= 50 else 1, max_df=0.5 if len(texts) >= 50 else 1.0)
    docs = preparer.fit_transform(texts)
    filled = sum(1 for d in docs if d)
    if filled == 0:
        raise TopicModelError(f"{lang}: none of the {len(texts)} segment(s) has a word left after removing stop "
                              "words and rare words: nothing to model. Check that these segments are really "
                              f"{lang!r} text, or switch topics off (--no-topics)")
    make = lambda k: make_topic_model(settings.engine, k, random_state=settings.seed, lang=lang)  # noqa: E731
    if settings.k is not None:
        if settings.k > filled:
            raise TopicModelError(f"{lang}: K={settings.k} topics were asked for but only {filled} segment(s) have "
                                  f"words after text preparation: pass --k {max(2, filled // 5)} or another K <= "
                                  f"{filled}, or add segments")
        k_values = [settings.k]
    else:
        k_values = k_range(filled, settings.k_min, settings.k_max)
    choice = select_k(docs, make, k_values, settings.min_diversity, texts=texts)
    return preparer, docs, choice.model, choice.scores, choice.explanation


def run_topic_stage(segments: pd.DataFrame, applications: pd.DataFrame, respondents: pd.DataFrame,
                    codebook: Codebook, settings: TopicSettings = TopicSettings(), run_id: str = "") -> TopicRun:
    """Fit topics per language on the run's segments and build every topic table.

    segments: the `segments` table (segment_id, respondent_id, lang, text, is_interviewer, …).
    applications: the `code_applications` table (segment_id, code_id, …).
    Raises `TopicModelError` (message says what to change) when no language can be modelled.
    """
    usable = segments
    if not settings.include_interviewer and "is_interviewer" in segments:
        usable = segments[~segments["is_interviewer"].astype(str).str.lower().isin(("true", "1"))]
    usable = usable[usable["text"].astype(str).str.strip() != ""]
    # "没有", "无", "都挺好", "no", "fine": fitted with the rest they become a topic of non-answers.
    non_answer = usable["text"].astype(str).map(is_non_substantive).to_numpy(dtype=bool)
    skipped_non_answers = int(non_answer.sum())
    if skipped_non_answers and skipped_non_answers < len(usable):
        usable = usable[~non_answer]
    else:
        skipped_non_answers = 0
    if usable.empty:
        raise TopicModelError("there are no (non-interviewer) segments to model: the run has no respondent text. "
                              "Check the corpus folder and the ingestion_report table")
    parts: dict[str, list[pd.DataFrame]] = {n: [] for n in ("topics", "segment_topics", "scores")}
    languages, notes, errors, preparers = [], [], [], {}
    for lang in sorted(str(lang) for lang in usable["lang"].astype(str).unique()):
        mine = usable[usable["lang"].astype(str) == lang]
        if lang not in LANGS:
            notes.append(f"{len(mine)} segment(s) in language {lang!r} not modelled (topics support {', '.join(LANGS)})")
            continue
        try:
            preparer, docs, model, scores, why = fit_language(mine["text"].astype(str).tolist(), lang, codebook, settings)
        except TopicModelError as exc:
            message = str(exc)
            errors.append(message if message.startswith(f"{lang}: ") else f"{lang} ({len(mine)} segments): {message}")
            continue
        weights, preparers[lang] = model.doc_topic_, preparer
        ids = mine["segment_id"].astype(str).tolist()
        table = topics_table(model.top_terms(), lang, settings.engine)
        per_topic = topic_coherences(model.top_terms(COHERENCE_TOP_N), coherence_sample(docs))
        table["coherence"] = table["topic_id"].map(
            {tid: round(c, 4) for tid, c in zip(table["topic_id"].drop_duplicates(), per_topic)}).astype("float64")
        parts["topics"].append(table)
        chosen = scores[scores["k"] == model.k]["c_npmi"] if "k" in scores.columns else scores.iloc[0:0]
        if len(chosen) and float(chosen.iloc[0]) < 0:
            notes.append(f"{lang}: the chosen K={model.k} is incoherent (c_npmi {float(chosen.iloc[0]):.3f} < 0: its "
                         "top terms occur together less often than chance); read its topics as rough groupings, "
                         "not themes, and no topic below zero coherence is proposed as a candidate code")
        parts["segment_topics"].append(segment_topics_table(ids, weights, lang))
        parts["scores"].append(scores.assign(lang=lang)[["lang", *K_SCORE_COLUMNS]])
        empty = sum(1 for d in docs if not d)
        languages.append(LanguageModel(lang, settings.engine, int(model.k), why, len(docs) - empty, empty))
        if empty:
            notes.append(f"{lang}: {empty} of {len(docs)} segment(s) had only stop words or rare words and got no topic")
    if not languages:
        raise TopicModelError("topics could not be fitted: " + "; ".join(errors or notes))
    if skipped_non_answers:
        notes.append(f"{skipped_non_answers} non-substantive answer(s) (没有, 无, 都挺好, no, none, fine …) kept out of "
                     "topic fitting: they carry no theme and would form a topic of their own")
    notes = [f"topics skipped for {e}" for e in errors] + notes
    topics = pd.concat(parts["topics"], ignore_index=True)
    seg_topics = pd.concat(parts["segment_topics"], ignore_index=True) if parts["segment_topics"] else \
        pd.DataFrame(columns=list(SEGMENT_TOPIC_COLUMNS))
    scores = pd.concat(parts["scores"], ignore_index=True)
    dominant = seg_topics.loc[seg_topics["dominant"], ["segment_id", "topic_id"]]
    terms_by_lang = {lang: code_term_tokens(codebook, p) for lang, p in preparers.items()}
    code_terms = {code.id: set().union(*(t[code.id] for t in terms_by_lang.values())) for code in codebook.codes}
    alignment = topic_code_alignment(dominant, applications, topics, codebook, code_terms)
    exemplars = topic_exemplars(seg_topics, segments)
    coherence = dict(zip(topics["topic_id"], topics["coherence"]))
    candidates = candidate_codes(topics, alignment, exemplars, run_id, settings.explained_share, coherence)
    incoherent = [t for t in unexplained_topics(topics, alignment, settings.explained_share)
                  if not coherence.get(t, 0) > MIN_CANDIDATE_COHERENCE]
    if incoherent:
        notes.append(f"{len(incoherent)} topic(s) no code explains were not proposed as candidate codes because their "
                     f"coherence is not above {MIN_CANDIDATE_COHERENCE:g}: {', '.join(incoherent)}")
    return TopicRun(
        topics=topics[[*TOPIC_COLUMNS, "coherence"]], segment_topics=seg_topics,
        topic_prevalence=topic_prevalence(topics, seg_topics, segments, respondents),
        topic_code_alignment=alignment[list(ALIGNMENT_COLUMNS)], topic_k_scores=scores,
        exemplars=exemplars, candidate_codes=candidates, languages=languages, notes=notes)
