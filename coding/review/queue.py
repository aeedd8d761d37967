"""Build a coder's review queue: one row per (segment, suggested code) the coder has not decided.

Pure functions over DataFrames (the store reads them, the xlsx/csv writers write the result).

Uncoded rows: a segment with no suggestion at all can still be offered, as one row with an
empty `code_id` (`UNCODED`), where the coder types the segment's codes into `add_codes`. That
is how a bare codebook (codes without keywords, no trained model) gets its first gold codes.
`QueueOptions.uncoded` says when: 'never', 'always', or 'auto' (when the suggestions leave the
queue short: fewer suggested segments than `limit`, or, without a limit, suggestions on fewer
than half of the open segments). Uncoded rows come after the suggested ones, except in
uncertainty order with a trained model, where every row goes by the model's uncertainty; with
no model yet they come typical-and-diverse first (`coding.review.diverse`: the most typical
segment of each k-means cluster, largest first), because a first model learns fastest from
segments that each stand for many others (measured in benchmarks/README.md).

Assignment: a segment already exported to, or decided by, another coder is not offered again,
except the double-coded share: segments whose seeded hash falls under `double_code` go to every
coder, so agreement can be measured on them. The hash makes the share deterministic and nested
(the 10% share is inside the 20% share), whoever exports first.
"""
from __future__ import annotations

from functools import partial

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd
from qualmine import SEED, param_error

ORDERS = ("uncertainty", "document", "code")
UNCODED_CHOICES = ("auto", "always", "never")
UNCODED = ""            # the code_id of an uncoded row: no suggestion, codes go into add_codes
DECISION_CHOICES = ("accept", "reject")
QUEUE_COLUMNS = [
    "item", "segment_id", "doc_id", "respondent_id", "text", "evidence", "code_id", "code_label",
    "code_definition", "source", "score", "decision", "add_codes", "note",
]
# Columns a coder fills in; every other queue column is read-only and checked on import.
EDITABLE_COLUMNS = ("decision", "add_codes", "note")


@dataclass(frozen=True)
class QueueOptions:
    """How to pick and order a coder's queue (`qualmine review export` options)."""

    coder: str
    order: str = "document"
    limit: int | None = None
    codes: tuple[str, ...] = ()
    double_code: float = 0.0
    seed: int = SEED
    uncoded: str = "never"

    def __post_init__(self) -> None:
        if not self.coder or not self.coder.strip():
            raise _param_error("coder", "a non-empty name", self.coder)
        if self.coder.startswith("model:"):
            raise _param_error("coder", "a person's name (names starting with 'model:' are reserved)", self.coder)
        if self.order not in ORDERS:
            raise _param_error("order", f"one of {', '.join(ORDERS)}", self.order)
        if self.limit is not None and self.limit < 1:
            raise _param_error("limit", "an int >= 1", self.limit)
        if not 0.0 <= self.double_code <= 1.0:
            raise _param_error("double_code", "a float in the range [0, 1]", self.double_code)
        if self.uncoded not in UNCODED_CHOICES:
            raise _param_error("uncoded", f"one of {', '.join(UNCODED_CHOICES)}", self.uncoded)


_param_error = partial(param_error, 'the review queue')   # one wording: qualmine.param_error


def double_coded(segment_ids: pd.Series, fraction: float, seed: int) -> pd.Series:
    """True for the segments in the shared share `fraction` (deterministic given `seed`)."""
    if fraction <= 0:
        return pd.Series(False, index=segment_ids.index)
    position = segment_ids.map(
        lambda sid: int.from_bytes(hashlib.sha256(f"{seed}:{sid}".encode()).digest()[:8], "big") / 2.0 ** 64)
    return position < fraction


def build_queue(options: QueueOptions, *, suggestions: pd.DataFrame, segments: pd.DataFrame, codes: pd.DataFrame,
                decisions: pd.DataFrame, assignments: pd.DataFrame,
                uncertainty: pd.Series | None = None) -> pd.DataFrame:
    """The queue for `options.coder`.

    suggestions: segment_id, code_id, source, score, evidence, start, end (document offsets).
    segments: segment_id, doc_id, respondent_id, lang, start, position, text.
    codes: the current codebook's code_id, label_zh, label_en, definition_zh, definition_en (in order).
    decisions: latest decisions (segment_id, code_id, coder, decision).
    assignments: earlier exports (segment_id, coder).
    uncertainty: per segment_id, higher = the model is less sure (for order='uncertainty').
    Returns QUEUE_COLUMNS plus `evidence_spans` (segment-local (start, end) pairs to highlight).
    """
    segments = _with_columns(segments, SEGMENT_COLUMNS)
    suggestions = _with_columns(suggestions, SUGGESTION_COLUMNS)
    decisions = _with_columns(decisions, ("segment_id", "code_id", "coder", "decision"))
    assignments = _with_columns(assignments, ("segment_id", "coder"))
    known_codes = list(codes["code_id"]) if "code_id" in codes.columns else []
    all_known = suggestions[suggestions["code_id"].isin(known_codes)]
    rows = all_known
    if options.codes:
        rows = rows[rows["code_id"].isin(options.codes)]
    mine = decisions[decisions["coder"] == options.coder]
    decided = set(zip(mine["segment_id"], mine["code_id"]))
    # A boolean array, not a list: an empty list would select no *columns* (the old KeyError 'segment_id').
    rows = rows[np.array([(sid, cid) not in decided for sid, cid in zip(rows["segment_id"], rows["code_id"])],
                         dtype=bool)]
    others = set(pd.concat([assignments.loc[assignments["coder"] != options.coder, "segment_id"],
                            decisions.loc[decisions["coder"] != options.coder, "segment_id"]]))
    taken = rows["segment_id"].isin(others)
    if taken.any():
        rows = rows[~taken | double_coded(rows["segment_id"], options.double_code, options.seed)]
    rows = rows.merge(segments[["segment_id", "doc_id", "respondent_id", "lang", "start", "position", "text"]]
                      .rename(columns={"start": "segment_start"}), on="segment_id", how="inner")
    rows = _merge_sources(rows)
    rows = _ordered(rows, options.order, known_codes, uncertainty)
    rows = _limited(rows, options.limit, by_segment=options.order != "code")
    uncoded = _uncoded_rows(options, segments, set(all_known["segment_id"]), set(mine["segment_id"]), others)
    if _wants_uncoded(options, rows, uncoded):
        room = None if options.limit is None else options.limit - len(rows)
        uncoded = _uncoded_ordered(uncoded, options.order, uncertainty, room, options.seed)
        if room is not None:
            uncoded = uncoded.head(max(0, room))
        rows = pd.concat([rows, uncoded], ignore_index=True) if len(uncoded) else rows
        if options.order == "uncertainty" and uncertainty is not None and len(uncoded):
            # With a model, what it is least sure about comes first, suggested or not.
            unsure = rows["segment_id"].map(uncertainty).astype(float).fillna(-np.inf)
            rows = rows.assign(_unsure=unsure.to_numpy()).sort_values("_unsure", ascending=False, kind="stable")
    return _queue_frame(rows, codes)


SEGMENT_COLUMNS = ("segment_id", "doc_id", "respondent_id", "lang", "start", "position", "text")
SUGGESTION_COLUMNS = ("segment_id", "code_id", "source", "score", "evidence", "start", "end")


def _with_columns(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """`frame` with every expected column (an empty table read without a schema has none)."""
    missing = [c for c in columns if c not in frame.columns]
    return frame.assign(**{c: pd.Series(dtype=object) for c in missing}) if missing else frame


def _uncoded_rows(options: QueueOptions, segments: pd.DataFrame, suggested: set, mine: set,
                  others: set) -> pd.DataFrame:
    """Segments with no suggestion of a known code that the coder has not touched, one row each."""
    if options.uncoded == "never" or options.codes:
        return segments.iloc[0:0].assign(code_id=pd.Series(dtype=object))
    keep = ~segments["segment_id"].isin(suggested | mine)
    if "is_interviewer" in segments.columns:
        keep &= ~segments["is_interviewer"].fillna(False).astype(bool)
    taken = segments["segment_id"].isin(others)
    if taken.any():
        keep &= ~taken | double_coded(segments["segment_id"], options.double_code, options.seed)
    out = segments.loc[keep, list(SEGMENT_COLUMNS)].drop_duplicates("segment_id")
    return out.assign(code_id=UNCODED, source="", score=np.nan, evidence="", evidence_spans=[[] for _ in range(len(out))])


def _wants_uncoded(options: QueueOptions, rows: pd.DataFrame, uncoded: pd.DataFrame) -> bool:
    if uncoded.empty or options.uncoded == "never":
        return False
    if options.uncoded == "always":
        return True
    suggested_segments = rows["segment_id"].nunique()
    if options.limit is not None:
        return len(rows) < options.limit
    return suggested_segments < 0.5 * (suggested_segments + len(uncoded))


def _uncoded_ordered(rows: pd.DataFrame, order: str, uncertainty: pd.Series | None, room: int | None,
                     seed: int) -> pd.DataFrame:
    rows = rows.sort_values(["doc_id", "position"], kind="stable")
    if order != "uncertainty":
        return rows
    if uncertainty is not None and rows["segment_id"].isin(uncertainty.index).any():
        unsure = rows["segment_id"].map(uncertainty).astype(float).fillna(-np.inf)
        return rows.assign(_unsure=unsure.to_numpy()).sort_values("_unsure", ascending=False, kind="stable")
    from qualmine.coding.review.diverse import diverse_order

    picks = diverse_order(rows["text"].astype(str).tolist(), n=room, seed=seed)
    return rows.iloc[picks]


def _merge_sources(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per (segment, code): sources joined, best score, rule evidence spans kept."""
    if rows.empty:
        return rows.assign(evidence_spans=pd.Series(dtype=object))
    spans = []
    for start, end, seg_start in zip(rows["start"], rows["end"], rows["segment_start"]):
        ok = pd.notna(start) and pd.notna(end)
        spans.append([(int(start) - int(seg_start), int(end) - int(seg_start))] if ok else [])
    rows = rows.assign(evidence_spans=spans, evidence=rows["evidence"].fillna("").astype(str))
    keys = ["segment_id", "code_id"]
    several = rows.duplicated(keys, keep=False)
    if not several.any():
        return rows
    # Only (segment, code) pairs suggested by several sources need merging (python-level, slow).
    rest = rows[several]
    first = rest.drop_duplicates(keys).set_index(keys)
    grouped = rest.groupby(keys, sort=False)
    first["source"] = grouped["source"].agg(lambda v: ",".join(sorted(set(v))))
    first["score"] = grouped["score"].max()
    first["evidence"] = grouped["evidence"].agg(lambda v: next((e for e in v if e), ""))
    first["evidence_spans"] = grouped["evidence_spans"].agg(lambda v: sorted({s for spans in v for s in spans}))
    merged = pd.concat([rows[~several], first.reset_index()], ignore_index=True)
    return merged.sort_values(["segment_id", "code_id"], kind="stable").reset_index(drop=True)


def _ordered(rows: pd.DataFrame, order: str, known_codes: list[str], uncertainty: pd.Series | None) -> pd.DataFrame:
    rows = rows.assign(_code_pos=rows["code_id"].map({c: i for i, c in enumerate(known_codes)}))
    if order == "code":
        return rows.sort_values(["_code_pos", "doc_id", "position"], kind="stable")
    if order == "document":
        return rows.sort_values(["doc_id", "position", "_code_pos"], kind="stable")
    if uncertainty is None:
        # No trained model yet: a score near 0.5 is the least sure suggestion.
        closeness = (rows["score"].astype(float) - 0.5).abs()
        unsure = 1.0 - 2.0 * closeness.groupby(rows["segment_id"]).transform("min")
    else:
        unsure = rows["segment_id"].map(uncertainty).astype(float).fillna(-np.inf)
    rows = rows.assign(_unsure=unsure.to_numpy())
    return rows.sort_values(["_unsure", "doc_id", "position", "_code_pos"],
                            ascending=[False, True, True, True], kind="stable")


def _limited(rows: pd.DataFrame, limit: int | None, by_segment: bool) -> pd.DataFrame:
    if limit is None or len(rows) <= limit:
        return rows
    if not by_segment:
        return rows.head(limit)
    # Keep a segment's rows together: a coder judges all of a segment's codes at once.
    segment_rank = pd.factorize(rows["segment_id"])[0]
    sizes = pd.Series(segment_rank).value_counts(sort=False).sort_index().cumsum()
    keep = max(1, int((sizes <= limit).sum()))
    return rows[segment_rank < keep]


def _queue_frame(rows: pd.DataFrame, codes: pd.DataFrame) -> pd.DataFrame:
    by_id = {(c, lang, field): _in_lang(row, field, lang) for c, row in codes.set_index("code_id").iterrows()
             for lang in ("zh", "en") for field in ("label", "definition")} if len(codes) else {}
    by_id.update({(UNCODED, lang, field): "" for lang in ("zh", "en") for field in ("label", "definition")})
    out = pd.DataFrame({
        "item": np.arange(1, len(rows) + 1, dtype="int64"),
        "segment_id": rows["segment_id"].astype(str).to_numpy(),
        "doc_id": rows["doc_id"].astype(str).to_numpy(),
        "respondent_id": rows["respondent_id"].fillna("").astype(str).to_numpy(),
        "text": rows["text"].astype(str).to_numpy(),
        "evidence": rows["evidence"].fillna("").astype(str).to_numpy() if len(rows) else [],
        "code_id": rows["code_id"].astype(str).to_numpy(),
        "code_label": [by_id[(c, "en" if lang == "en" else "zh", "label")] for c, lang in zip(rows["code_id"], rows["lang"])],
        "code_definition": [by_id[(c, "en" if lang == "en" else "zh", "definition")]
                            for c, lang in zip(rows["code_id"], rows["lang"])],
        "source": rows["source"].fillna("").astype(str).to_numpy() if len(rows) else [],
        "score": rows["score"].astype(float).round(3).to_numpy() if len(rows) else [],
        "decision": "", "add_codes": "", "note": "",
    }, columns=QUEUE_COLUMNS)
    out["evidence_spans"] = list(rows["evidence_spans"]) if len(rows) else []
    return out


def _in_lang(row: pd.Series, field: str, lang: str) -> str:
    first, second = (f"{field}_en", f"{field}_zh") if lang == "en" else (f"{field}_zh", f"{field}_en")
    for column in (first, second):
        value = row.get(column)
        if isinstance(value, str) and value:
            return value
    return ""
