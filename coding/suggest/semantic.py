"""Zero-shot semantic coding: codebook prototypes vs. sentence embeddings -> `source = "semantic"`.

For every code, the *prototypes* are its labels, definitions and `examples` (embedded as e5
queries), and its *counter-prototypes* are its `counter_examples`. Each segment is cut into
units: its sentences (`corpus.sentences.sentence_spans`), and a sentence holding a contrast
connective (但是, 可是, 不过, but, however, ...) is cut there too, so "停车还算方便，可是噪音实在受
不了" is read as two statements. For a unit u and a code c:

  pos(u, c)  = mean of the `top_prototypes` (default 2) highest cosines between u and c's
               prototypes
  neg(u, c)  = highest cosine between u and c's counter-prototypes (0 if it has none)
  raw(u, c)  = pos(u, c) - mean over the other codes of pos(u, ·)  (e5 finds everything similar: the
               unit's own baseline is subtracted, so only what sets a code apart counts)
             - COUNTER_WEIGHT * max(0, neg(u, c) - pos(u, c))  (closer to what the code must
               not catch than to what it must)
  score      = sigmoid(SLOPE * (raw - CENTER))                  (calibrated: see below)

A unit inside a clause the respondent grants away (`coding.concession`: "虽然经费有限，但…",
"The staff are lovely, but…", "used to be awful, now sorted") scores 0 for problem, cause, need
and satisfaction codes (CONCEDABLE_KINDS): the point of the answer is the other clause.
A segment gets code c when the best unit's score reaches `threshold`; the evidence is that
unit (document offsets, `document_text[start:end] == evidence`), `matched` names the closest
prototype. SLOPE and CENTER were fitted by logistic regression (best unit per answer and code
vs. the human's codes) on the calibration half (odd answer numbers) of the hand-judged set in
benchmarks/data (`python -m benchmarks.semantic_calibration`, which refits them for any
`top_prototypes`), so a score is an estimated probability that a coder gives the code: 0.7 means
about 70 % of such suggestions were right there. Probabilities are low for most true codes of a
zero-shot model, so the threshold that maximised micro-F1 there (rules + semantic) is 0.3, the
default; a higher one trades recall for precision (benchmarks/README.md has the numbers).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from qualmine.coding.applications import CodeApplication, applications_frame
from qualmine.coding.codebook import Codebook
from qualmine.coding.concession import ConcessionRules
from qualmine.coding.suggest.embeddings import Embedder
from qualmine.corpus.lang import detect_lang
from qualmine.corpus.sentences import sentence_spans

SOURCE = "semantic"
CONCEDABLE_KINDS = ("problem", "cause", "need", "satisfaction")
COUNTER_WEIGHT = 2.0


@dataclass(frozen=True)
class Calibration:
    """How raw(u, c) becomes a probability for one prototype count: sigmoid(slope * (raw - center)).

    `threshold` is the default: the best micro-F1 of rules + semantic on the calibration half.
    """

    slope: float
    center: float
    threshold: float


# Per top_prototypes, from `python -m benchmarks.semantic_calibration` (raw file
# benchmarks/results/2026-12-02-semantic-calibration.json): slope and center by logistic regression
# of "a coder gave this code" on the best unit's raw score, the threshold by the best micro-F1 of
# rules + semantic, both on the calibration half of the hand-judged set. 2 is the default: best
# there (0.819 all / 0.800 held-out); codebooks whose examples are typical answers do better with
# more (NHS FFT with 3 examples a code: 0.349 at 2, 0.409 at 5; benchmarks/README.md).
CALIBRATIONS: dict[int, Calibration] = {
    1: Calibration(72.0, 0.0492, 0.3),
    2: Calibration(72.0, 0.0462, 0.3),
    3: Calibration(68.8, 0.0437, 0.3),
    4: Calibration(64.0, 0.0423, 0.3),
    5: Calibration(48.4, 0.0458, 0.35),
    7: Calibration(24.2, 0.0693, 0.3),
}
TOP_PROTOTYPES = 2
DEFAULT_THRESHOLD = CALIBRATIONS[TOP_PROTOTYPES].threshold
SLOPE = CALIBRATIONS[TOP_PROTOTYPES].slope
CENTER = CALIBRATIONS[TOP_PROTOTYPES].center
MIN_UNIT_CHARS = 2

# A contrast connective starts a new unit: the conceded part and the point are different statements.
_CONTRAST = re.compile(r"[，,；;]?\s*(?=(?:但是|可是|不过|然而|(?<!不)但|\b(?:however|but|though|although|whereas)\b))",
                       re.IGNORECASE)


@dataclass(frozen=True)
class Prototypes:
    """The embedded prototypes of a codebook (rows of `vectors`; `owner[i]` = code index)."""

    code_ids: tuple[str, ...]
    texts: tuple[str, ...]
    owner: np.ndarray          # int, one per prototype row
    vectors: np.ndarray        # (n_prototypes, dim)
    counter_owner: np.ndarray
    counter_vectors: np.ndarray


def prototype_texts(codebook: Codebook) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(code index, text) pairs: positives from labels, definitions and examples; counter-examples."""
    pos: list[tuple[int, str]] = []
    neg: list[tuple[int, str]] = []
    for i, code in enumerate(codebook.codes):
        texts = [code.label.zh, code.label.en, code.definition.zh, code.definition.en, *code.examples]
        for text in dict.fromkeys(t.strip() for t in texts if t and t.strip()):
            pos.append((i, text))
        for text in dict.fromkeys(t.strip() for t in code.counter_examples if t.strip()):
            neg.append((i, text))
    return pos, neg


def build_prototypes(codebook: Codebook, embedder: Embedder) -> Prototypes:
    pos, neg = prototype_texts(codebook)
    vectors = embedder.embed([t for _, t in pos], kind="query")
    counter = embedder.embed([t for _, t in neg], kind="query")
    return Prototypes(tuple(codebook.ids), tuple(t for _, t in pos),
                      np.array([i for i, _ in pos], dtype=np.int64), vectors,
                      np.array([i for i, _ in neg], dtype=np.int64), counter)


def text_units(text: str) -> list[tuple[int, int]]:
    """Sentence spans of `text`, each further cut before a contrast connective (offsets into text)."""
    units: list[tuple[int, int]] = []
    for s, e in sentence_spans(text, max_chars=300) if text else []:
        cut = s
        for m in _CONTRAST.finditer(text, s, e):
            if m.start() > cut:
                units.append((cut, m.start()))
                cut = m.end()
        units.append((cut, e))
    out = []
    for s, e in units:
        while s < e and text[s] in " ，,；;、":
            s += 1
        while e > s and text[e - 1] in " ，,；;、":
            e -= 1
        if e - s >= MIN_UNIT_CHARS:
            out.append((s, e))
    return out


def score_units(unit_vectors: np.ndarray, protos: Prototypes, *, top: int = TOP_PROTOTYPES, slope: float = SLOPE,
                center: float = CENTER) -> tuple[np.ndarray, np.ndarray]:
    """Calibrated scores (n_units, n_codes) and the index of each (unit, code)'s closest prototype."""
    raw, best, has = raw_scores(unit_vectors, protos, top=top)
    score = 1.0 / (1.0 + np.exp(-slope * (raw - center)))
    score[:, ~has] = 0.0
    return score, best


def raw_scores(unit_vectors: np.ndarray, protos: Prototypes, *, top: int = TOP_PROTOTYPES,
               counter_weight: float = COUNTER_WEIGHT) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """raw(u, c) of the module docstring, the closest prototype per (unit, code), which codes have prototypes."""
    n_codes = len(protos.code_ids)
    sims = unit_vectors @ protos.vectors.T                      # (units, prototypes)
    pos = np.full((len(unit_vectors), n_codes), -1.0, dtype=np.float64)
    best = np.zeros((len(unit_vectors), n_codes), dtype=np.int64)
    for c in range(n_codes):
        cols = np.flatnonzero(protos.owner == c)
        if not len(cols):
            continue
        block = sims[:, cols]
        pos[:, c] = np.sort(block, axis=1)[:, ::-1][:, :top].mean(axis=1)
        best[:, c] = cols[np.argmax(block, axis=1)]
    has = np.isin(np.arange(n_codes), protos.owner)
    # the baseline of (u, c) is u's mean over the OTHER codes, so a 2-code codebook works too
    n_has = int(has.sum())
    if n_has > 1:
        total = pos[:, has].sum(axis=1, keepdims=True)
        baseline = (total - np.where(has, pos, 0.0)) / np.where(has, n_has - 1, n_has)
    else:
        baseline = np.zeros_like(pos)
    raw = pos - baseline
    if len(protos.counter_vectors):
        csims = unit_vectors @ protos.counter_vectors.T
        for c in np.unique(protos.counter_owner):
            neg = csims[:, protos.counter_owner == c].max(axis=1)
            raw[:, c] -= counter_weight * np.maximum(0.0, neg - pos[:, c])
    return raw, best, has


class SemanticCoder:
    """Zero-shot code suggestions from a codebook and an `Embedder` (see the module docstring)."""

    def __init__(self, codebook: Codebook, embedder: Embedder, *, threshold: float | None = None,
                 code_interviewer: bool = False, veto: Callable[[str, str | None], set[str]] | None = None,
                 concession: bool = True, top_prototypes: int = TOP_PROTOTYPES, slope: float | None = None,
                 center: float | None = None):
        """`threshold`, `slope`, `center`: None takes the calibration of `top_prototypes` (CALIBRATIONS)."""
        if isinstance(top_prototypes, bool) or not isinstance(top_prototypes, int) or top_prototypes < 1:
            raise ValueError(f"top_prototypes must be a whole number >= 1; got {top_prototypes!r}")
        calibration = CALIBRATIONS.get(top_prototypes)
        if calibration is None and (slope is None or center is None or threshold is None):
            raise ValueError(f"top_prototypes {top_prototypes} has no calibration: use one of "
                             f"{sorted(CALIBRATIONS)} or pass slope, center and threshold "
                             "(python -m benchmarks.semantic_calibration fits them)")
        threshold = calibration.threshold if threshold is None else threshold
        slope = calibration.slope if slope is None else slope
        center = calibration.center if center is None else center
        if not (isinstance(threshold, (int, float)) and 0.0 < threshold < 1.0) or math.isnan(threshold):
            raise ValueError(f"threshold must be a number between 0 and 1 (exclusive); got {threshold!r}")
        if not all(isinstance(v, (int, float)) and math.isfinite(v) for v in (slope, center)) or slope <= 0:
            raise ValueError(f"slope must be a positive number and center a finite one; got {slope!r}, {center!r}")
        self.codebook, self.embedder, self.threshold = codebook, embedder, float(threshold)
        self.top_prototypes, self.slope, self.center = top_prototypes, float(slope), float(center)
        self.code_interviewer = code_interviewer
        # Embeddings see topic, not stance: where the rules read the segment as denying a code
        # (negation, concession, negated evaluation, exclusion: `RuleCoder.vetoed`), so do we.
        self.veto = veto
        # A unit the respondent grants away ("虽然经费有限，但…", "The staff are lovely, but…",
        # "used to be awful, now…": coding.concession) is no evidence for a problem, cause, need
        # or satisfaction code; the point of the answer is the other clause.
        self.concession = ConcessionRules() if concession else None
        self._concedable = [i for i, c in enumerate(codebook.codes) if c.kind in CONCEDABLE_KINDS]
        self._protos: Prototypes | None = None

    @property
    def prototypes(self) -> Prototypes:
        if self._protos is None:
            self._protos = build_prototypes(self.codebook, self.embedder)
        return self._protos

    def score_frame(self, segments: pd.DataFrame, progress=None) -> tuple[pd.DataFrame, np.ndarray, list]:
        """Units of the segments (segment_id, start, end in the segment text) and their scores."""
        rows = segments
        if not self.code_interviewer and "is_interviewer" in rows:
            rows = rows[rows["is_interviewer"] != True]   # noqa: E712 (NaN counts as False)
        units: list[tuple[str, int, int, int, str, str, object]] = []
        langs = rows["lang"] if "lang" in rows else [None] * len(rows)
        for seg_id, seg_start, text, lang in zip(rows["segment_id"], rows["start"], rows["text"], langs):
            if not isinstance(text, str):
                continue
            for s, e in text_units(text):
                units.append((str(seg_id), int(seg_start), s, e, text[s:e], text, lang if isinstance(lang, str) else None))
        frame = pd.DataFrame(units, columns=["segment_id", "seg_start", "start", "end", "text", "segment_text", "lang"])
        if frame.empty:
            return frame, np.zeros((0, len(self.codebook.codes))), []
        vectors = self.embedder.embed(frame["text"].tolist(), kind="query", progress=progress)
        scores, best = score_units(vectors, self.prototypes, top=self.top_prototypes, slope=self.slope,
                                   center=self.center)
        return frame, scores, best

    def _conceded_units(self, units: pd.DataFrame, idx: np.ndarray, first) -> list[int]:
        """Positions (into idx) of the segment's units that lie in a conceded clause."""
        text = first.segment_text
        low = text.lower()
        if len(low) != len(text):       # offsets would not line up
            return []
        spans: list[list[int]] = []
        for a, b in sorted(self.concession.conceded(low, first.lang or detect_lang(text))):
            if spans and a - spans[-1][1] <= 1:     # clauses one mark apart: one conceded stretch
                spans[-1][1] = max(spans[-1][1], b)
            else:
                spans.append([a, b])
        bounds = zip(units["start"].to_numpy()[idx], units["end"].to_numpy()[idx])
        return [j for j, (s, e) in enumerate(bounds) if any(a <= s and e <= b for a, b in spans)]

    def apply_frame(self, segments: pd.DataFrame, progress=None) -> pd.DataFrame:
        """`code_applications` rows (source "semantic") for a segments frame (segment_id, start, text, ...)."""
        units, scores, best = self.score_frame(segments, progress)
        out: list[CodeApplication] = []
        if units.empty:
            return applications_frame(out)
        protos = self.prototypes
        for seg_id, idx in units.groupby("segment_id", sort=False).indices.items():
            block = scores[idx]
            first = units.iloc[idx[0]]
            conceded = self._conceded_units(units, idx, first) if len(idx) > 1 and self.concession else []
            if conceded and self._concedable:
                block = block.copy()
                block[np.ix_(conceded, self._concedable)] = 0.0
            found = np.flatnonzero(block.max(axis=0) >= self.threshold)
            if len(found) and self.veto is not None:
                denied = self.veto(first.segment_text, first.lang)
                found = [c for c in found if protos.code_ids[c] not in denied]
            for c in found:
                k = idx[int(np.argmax(block[:, c]))]
                u = units.iloc[k]
                out.append(CodeApplication(
                    segment_id=seg_id, code_id=protos.code_ids[c], source=SOURCE,
                    start=int(u.seg_start + u.start), end=int(u.seg_start + u.end), evidence=u.text,
                    score=round(float(scores[k, c]), 4), matched=protos.texts[int(best[k, c])],
                    hits=int((block[:, c] >= self.threshold).sum())))
        return applications_frame(out)
