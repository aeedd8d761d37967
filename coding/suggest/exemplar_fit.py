"""How well each coded segment fits its code, for exemplar quotes: centrality and contradiction.

`exemplar_fit` reads every coded (segment, code) pair with the semantic layer and the rules and
returns a frame with FIT_COLUMNS:

* `fit` in [0, 1]: the semantic layer's calibrated score (`coding.suggest.semantic`) of the
  segment's best unit for the code: how central the segment is to the code's labels, definition
  and examples. NaN when the semantic layer is off.
* `contradicts` (bool): the segment must never be quoted for the code, because
  - the rules read it as denying the code (`RuleCoder.vetoed`: negation, concession, exclusion,
    negated evaluation: "I never had to queue"), or
  - the unit of the segment that best fits the code is closer to one of the code's
    `counter_examples` than to any of its prototypes, by at least CONTRADICTION_MARGIN in
    cosine ("很好，志愿者帮老人取号…" for a waiting-time problem whose counter-examples include
    praise of the queue helpers). e5 cosines between short texts crowd into 0.80-0.95, so a bare
    "closer" flips on noise: in the example run's coded pairs every gap under 0.02 was a genuine
    statement of the code ("等太久。", "投诉了一次，到现在都没人回复。"), the near misses the
    counter-examples describe won by 0.03-0.05.
* `why`: the reason in words ("" when it does not contradict).

`coding.tables.code_exemplars` ranks by `fit` and drops contradicting segments a coder did not
accept. Without the semantic layer only the rules' veto is used and `fit` stays NaN, so the
picker falls back to its own representativeness score.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd

from qualmine.coding.suggest.semantic import SemanticCoder

FIT_COLUMNS = ("segment_id", "code_id", "fit", "contradicts", "why")
CONTRADICTION_MARGIN = 0.03     # cosine a counter-example must win by (see the module docstring)
Veto = Callable[[str, "str | None"], set]


def empty_fit() -> pd.DataFrame:
    """A fit frame with no rows (the columns and dtypes of FIT_COLUMNS)."""
    return pd.DataFrame({"segment_id": pd.Series(dtype="object"), "code_id": pd.Series(dtype="object"),
                         "fit": pd.Series(dtype="float64"), "contradicts": pd.Series(dtype="bool"),
                         "why": pd.Series(dtype="object")})


def exemplar_fit(pairs: pd.DataFrame, segments: pd.DataFrame, *, coder: SemanticCoder | None = None,
                 veto: Veto | None = None) -> pd.DataFrame:
    """FIT_COLUMNS for every distinct (segment_id, code_id) of `pairs` (see the module docstring).

    pairs: coded pairs (segment_id, code_id; other columns ignored). segments: segment_id, text,
    start and lang (lang optional). coder: the run's `SemanticCoder` (None: semantic layer off).
    veto: `RuleCoder.vetoed` or None.
    """
    if pairs.empty:
        return empty_fit()
    wanted = pairs[["segment_id", "code_id"]].astype(str).drop_duplicates().reset_index(drop=True)
    seg = segments.assign(segment_id=segments["segment_id"].astype(str))
    seg = seg[seg["segment_id"].isin(set(wanted["segment_id"]))].drop_duplicates("segment_id")
    out = wanted.assign(fit=np.nan, contradicts=False, why="")
    if veto is not None:
        langs = seg["lang"] if "lang" in seg else pd.Series([None] * len(seg), index=seg.index)
        denied = {sid: veto(text, lang if isinstance(lang, str) else None)
                  for sid, text, lang in zip(seg["segment_id"], seg["text"], langs) if isinstance(text, str)}
        hit = np.array([c in denied.get(s, ()) for s, c in zip(out["segment_id"], out["code_id"])], dtype=bool)
        out.loc[hit, "contradicts"] = True
        out.loc[hit, "why"] = "the rules read it as denying the code"
    if coder is not None and len(seg):
        _semantic_fit(out, seg, coder)
    return out[list(FIT_COLUMNS)]


def _semantic_fit(out: pd.DataFrame, seg: pd.DataFrame, coder: SemanticCoder) -> None:
    """Fill `fit`, and `contradicts`/`why` from the counter-examples, in place."""
    # every coded segment is read, interviewer turns too: a coder may have coded one
    seg = seg.drop(columns=["is_interviewer"], errors="ignore")
    units, scores, _ = coder.score_frame(seg.assign(start=seg["start"] if "start" in seg else 0))
    if units.empty:
        return
    protos = coder.prototypes
    vectors = coder.embedder.embed(units["text"].tolist(), kind="query")   # cached: score_frame embedded them
    pos, neg = _closest(vectors, protos)
    index = {c: i for i, c in enumerate(protos.code_ids)}
    by_segment = units.groupby("segment_id", sort=False).indices
    for row in out.itertuples():
        idx, c = by_segment.get(row.segment_id), index.get(row.code_id)
        if idx is None or c is None:
            continue
        out.at[row.Index, "fit"] = round(float(scores[idx, c].max()), 4)
        best = idx[int(np.argmax(pos[idx, c]))]
        if neg[best, c] >= pos[best, c] + CONTRADICTION_MARGIN and not row.contradicts:
            out.at[row.Index, "contradicts"] = True
            out.at[row.Index, "why"] = (f"“{units.at[best, 'text']}” is closer to a counter-example of the code "
                                        f"({neg[best, c]:.2f}) than to its definition and examples ({pos[best, c]:.2f})")


def _closest(vectors: np.ndarray, protos) -> tuple[np.ndarray, np.ndarray]:
    """(units, codes) cosines of each unit's closest prototype and closest counter-example (-inf: none)."""
    n_codes = len(protos.code_ids)
    pos = np.full((len(vectors), n_codes), -1.0)
    neg = np.full((len(vectors), n_codes), -np.inf)
    sims = vectors @ protos.vectors.T
    for c in range(n_codes):
        cols = np.flatnonzero(protos.owner == c)
        if len(cols):
            pos[:, c] = sims[:, cols].max(axis=1)
    if len(protos.counter_vectors):
        csims = vectors @ protos.counter_vectors.T
        for c in np.unique(protos.counter_owner):
            neg[:, c] = csims[:, protos.counter_owner == c].max(axis=1)
    return pos, neg
