"""Exemplar quotes: which coded segments a report quotes for a code, and how much context they get.

One picker, `pick_exemplars`, serves the chains table and the report's per-code quotes. Its
input is a frame of one code's candidate segments with these columns:

* `segment_id`, `respondent_id`, `text` (required);
* `reviewed` (bool, optional): a coder accepted or added this (segment, code);
* `support` (float, optional): how well the segment represents the code, higher is better;
  a NEGATIVE support means "contradicts the code" and the segment is never picked (the semantic
  layer plugs in here: `blend_fit` folds `coding.suggest.exemplar_fit`'s centrality into it and
  makes it negative for a segment that contradicts the code);
* `quote` (str, optional): the text to show, e.g. with its surrounding sentence
  (`quote_context`); `text` when absent.

Ranking rules, in order (each one only breaks the ties of the one before; see EXEMPLAR_RANKING):

1. reviewed segments first: a coder's judgement beats any machine score;
2. higher `support` (see `exemplar_support` and `blend_fit`; the rule score when the column is absent);
3. readable length: closer to ~60 characters;
4. segment_id, so the choice is deterministic whatever the input order.

Then at most one quote per respondent, k quotes in all. Segments a coder rejected never reach
the picker: `outputs.report.codes.select_applications` drops them before any table is built.

`exemplar_support` is the machine's representativeness score in [0, 1]: an explicit blend of three
parts (weights in SUPPORT_WEIGHTS), and a tier for problem and cause codes:

* profile: character n-gram TF-IDF cosine between the segment and the code's own words
  (definition, examples, keywords, label in the segment's language), scaled to the best
  candidate: segments that talk like the code's definition rank first;
* hits: how many of the code's terms fired (1, 2, 3+ -> 1/3, 2/3, 1);
* focus: 1 / number of distinct codes on the segment (a sentence coded six ways illustrates
  none of them well);
* tone (problem and cause codes only): a segment with an evaluative or negative cue (太, 不,
  没, 难, 慢, too, not, only, never, ...) scores in the upper half (0.5 + blend / 2), one without
  in the lower half (blend / 2), so cue-bearing segments always rank first: "I had to come back
  three times" states a problem, "my wife needed some paperwork and I tagged along" merely
  mentions one.
"""
from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

from qualmine.coding.codebook import Code

QUOTES_PER_CODE = 3
READABLE_CHARS = 60            # ~60 characters reads best in a table or report
FRAGMENT_EM = 16               # a segment narrower than this (CJK char = 1 em) is a fragment: add context
EXEMPLAR_RANKING = ("reviewed", "support", "length", "segment_id")
SUPPORT_WEIGHTS = {"profile": 0.55, "hits": 0.25, "focus": 0.2}
FIT_WEIGHT = 0.7               # the semantic centrality's share of support when the semantic layer ran
TONE_KINDS = ("problem", "cause")
# Cues of an evaluation or a shortfall; plain substrings in Chinese, whole words in English.
ZH_TONE_CUES = ("不", "没", "太", "难", "慢", "少", "只", "才", "麻烦", "繁琐", "问题", "缺", "差", "烦", "累",
                "久", "跑了", "希望", "应该", "可惜", "失望", "抱怨")
EN_TONE_CUES = ("not", "no", "never", "too", "only", "hard", "difficult", "confusing", "slow", "long",
                "again", "short", "lack", "nobody", "nothing", "problem", "frustrat\\w*",
                "annoy\\w*", "terrible", "wait\\w*", "back", "can't", "cannot", "didn't", "don't", "doesn't",
                "isn't", "wasn't", "same", "repetitive", "boring", "complain\\w*", "honestly")
_EN_TONE = re.compile(r"\b(?:" + "|".join(EN_TONE_CUES) + r")\b", re.IGNORECASE)


def text_em(text: str) -> float:
    """Approximate width in em: CJK and other wide characters 1, the rest ~0.56."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.56 for ch in text)


def _is_zh(text: str) -> bool:
    return any(unicodedata.east_asian_width(ch) in "WF" for ch in text)


def has_tone_cue(text: str) -> bool:
    """Does the text carry an evaluative or negative cue (ZH_TONE_CUES / EN_TONE_CUES)?"""
    return any(cue in text for cue in ZH_TONE_CUES) or bool(_EN_TONE.search(text))


def _code_profile(code: Code, zh: bool) -> str:
    lang = "zh" if zh else "en"
    parts = [getattr(code.definition, lang) or "", getattr(code.label, lang) or "",
             *code.keywords.for_lang(lang), *(e for e in code.examples if _is_zh(e) == zh)]
    return " ".join(p for p in parts if p)


def _profile_similarity(texts: list[str], code: Code) -> np.ndarray:
    # Character n-grams need no tokenizer and work for Chinese and English alike; each language
    # is compared with the code's words in that language only.
    from sklearn.feature_extraction.text import TfidfVectorizer

    out = np.zeros(len(texts))
    zh = np.array([_is_zh(t) for t in texts], dtype=bool)
    for lang_zh in (True, False):
        idx = np.flatnonzero(zh == lang_zh)
        profile = _code_profile(code, lang_zh)
        if not len(idx) or not profile.strip():
            continue
        vec = TfidfVectorizer(analyzer="char" if lang_zh else "char_wb", ngram_range=(1, 2) if lang_zh else (2, 4),
                              sublinear_tf=True, lowercase=True)
        try:
            matrix = vec.fit_transform([*(texts[i] for i in idx), profile])
        except ValueError:      # nothing but stop characters
            continue
        out[idx] = (matrix[:-1] @ matrix[-1].T).toarray().ravel()
    return out


def exemplar_support(coded: pd.DataFrame, code: Code | None, codes_per_segment: pd.Series | None = None,
                     ) -> pd.Series:
    """The machine's representativeness score in [0, 1] for each row of one code's candidates.

    coded: one code's applications joined with their segments (segment_id, text, and `hits`
    when the rules wrote it). code: the codebook's code (None: profile and tone are left out).
    codes_per_segment: segment_id -> distinct codes applied to it (None: focus is left out).
    """
    if coded.empty:
        return pd.Series(dtype="float64", index=coded.index)
    texts = coded["text"].astype(str).tolist()
    parts: dict[str, np.ndarray] = {}
    tone = None
    if code is not None:
        sim = _profile_similarity(texts, code)
        parts["profile"] = sim / sim.max() if sim.max() > 0 else sim
        if code.kind in TONE_KINDS:
            tone = np.array([1.0 if has_tone_cue(t) else 0.0 for t in texts])
    hits = pd.to_numeric(coded["hits"], errors="coerce").fillna(1) if "hits" in coded.columns else None
    if hits is not None:
        parts["hits"] = np.minimum(hits.to_numpy(dtype=float), 3) / 3
    if codes_per_segment is not None:
        n = coded["segment_id"].map(codes_per_segment).fillna(1).clip(lower=1).to_numpy(dtype=float)
        parts["focus"] = 1 / n
    total = np.zeros(len(texts))
    if parts:
        weight = sum(SUPPORT_WEIGHTS[name] for name in parts)
        total = sum(SUPPORT_WEIGHTS[name] * values for name, values in parts.items()) / weight
    if tone is not None:
        total = 0.5 * tone + 0.5 * total
    return pd.Series(np.round(total, 4), index=coded.index)


def blend_fit(support: pd.Series, fit: pd.Series, contradicts: pd.Series, reviewed: pd.Series) -> pd.Series:
    """`support` with the semantic layer's judgement folded in (all four series share one index).

    fit: centrality in [0, 1] or NaN (semantic layer off for that row); where known, support
    becomes FIT_WEIGHT * fit / (the best fit among the candidates) + (1 - FIT_WEIGHT) * support,
    so the segments most central to the code come first. contradicts: the semantic layer or the
    rules read the segment as contradicting the code: support -1, never quoted, unless a coder
    accepted it (`reviewed`: a coder's judgement beats any machine score).
    """
    fit = pd.to_numeric(fit, errors="coerce")
    out = support.astype(float).copy()
    best = fit.max()
    if pd.notna(best) and best > 0:
        known = fit.notna()
        out[known] = FIT_WEIGHT * fit[known] / best + (1 - FIT_WEIGHT) * out[known]
    out[contradicts.fillna(False).astype(bool) & ~reviewed.fillna(False).astype(bool)] = -1.0
    return out.round(4)


def quote_context(segments: pd.DataFrame, segment_ids: set[str] | None = None) -> pd.Series:
    """segment_id -> the text a report quotes: the segment, with its neighbours when it is a fragment.

    A fragment (narrower than FRAGMENT_EM, e.g. "人员流动太快。" or "Repetitive, if I'm honest.")
    gets the sentence before it in the same turn of the same document, or else the one after
    it; both when it is still a fragment. Needs `doc_id`, `turn` and `position`; without them
    every segment is quoted as it is. Raises ValueError naming the rows when a segment_id repeats.
    """
    ids = segments["segment_id"].astype(str)
    repeated = ids[ids.duplicated(keep=False)]
    if len(repeated):
        first = repeated.iloc[0]
        rows = ids.index[ids == first][:5].tolist()
        raise ValueError(f"segments: segment_id {first!r} appears on {int((ids == first).sum())} rows ({rows}); "
                         f"{repeated.nunique()} id(s) repeat in all: each segment needs an id of its own")
    if not {"doc_id", "turn", "position"} <= set(segments.columns):
        texts = segments.set_index(segments["segment_id"].astype(str))["text"].astype(str)
        return texts if segment_ids is None else texts[texts.index.isin(segment_ids)]
    seg = segments[["segment_id", "doc_id", "turn", "position", "text"]].copy()
    seg["segment_id"] = seg["segment_id"].astype(str)
    seg = seg.sort_values(["doc_id", "position"], kind="stable").reset_index(drop=True)
    wanted = np.ones(len(seg), dtype=bool) if segment_ids is None else seg["segment_id"].isin(segment_ids).to_numpy()
    ids, docs, turns, words = (seg[c].tolist() for c in ("segment_id", "doc_id", "turn", "text"))
    out = {}
    for i in np.flatnonzero(wanted).tolist():
        text = str(words[i])
        if text_em(text) >= FRAGMENT_EM:
            out[ids[i]] = text
            continue

        def same_turn(j: int) -> bool:
            return 0 <= j < len(ids) and docs[j] == docs[i] and turns[j] == turns[i]

        before = str(words[i - 1]) if same_turn(i - 1) else ""
        after = str(words[i + 1]) if same_turn(i + 1) else ""
        joiner = "" if _is_zh(text) else " "
        if before:
            quoted = before + joiner + text
            if text_em(quoted) < FRAGMENT_EM * 2 and after:
                quoted += joiner + after
        else:
            quoted = text + (joiner + after if after else "")
        out[ids[i]] = quoted
    return pd.Series(out, dtype="object").astype(str)


def pick_exemplars(candidates: pd.DataFrame, k: int = QUOTES_PER_CODE) -> pd.DataFrame:
    """Up to k rows of `candidates` (see the module docstring), ranked, one per respondent.

    Returns the chosen rows in rank order with columns segment_id, respondent_id, text, quote,
    reviewed, support.
    """
    columns = ["segment_id", "respondent_id", "text", "quote", "reviewed", "support"]
    if candidates.empty:
        return pd.DataFrame(columns=columns)
    frame = candidates.drop_duplicates("segment_id").copy()
    frame["text"] = frame["text"].astype(str)
    frame["quote"] = frame["quote"].astype(str) if "quote" in frame.columns else frame["text"]
    frame["reviewed"] = frame["reviewed"].fillna(False).astype(bool) if "reviewed" in frame.columns else False
    if "support" in frame.columns:
        frame["support"] = pd.to_numeric(frame["support"], errors="coerce").fillna(0.0)
    elif "score" in frame.columns:
        frame["support"] = pd.to_numeric(frame["score"], errors="coerce").fillna(0.0)
    else:
        frame["support"] = 0.0
    frame = frame[frame["support"] >= 0]                       # negative: contradicts the code
    frame["_length"] = (frame["text"].str.len() - READABLE_CHARS).abs()
    frame = frame.sort_values(["reviewed", "support", "_length", "segment_id"],
                              ascending=[False, False, True, True], kind="stable")
    frame = frame.drop_duplicates("respondent_id").head(k)
    frame["respondent_id"] = frame["respondent_id"].astype(str)
    return frame[columns].reset_index(drop=True)
