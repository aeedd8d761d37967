"""The browser review queue: the spreadsheet queue's rows with each one's status for one coder.

Pure functions over DataFrames (the web app reads them from the store). The rows and their
assignment come from `coding.review.queue.build_queue`, so the browser offers a coder exactly
what a spreadsheet export would, plus the rows the coder already decided (status filter).

Uncoded rows (a segment with no suggestion, `code_id` = `UNCODED`, key `<segment_id>~`) follow
the spreadsheet's `--uncoded auto|always|never` rule and order (`coding.review.queue`); the page
judges `auto` over the run's segments, not the coder's open ones, so the queue does not change
under a coder as they work. The coder adds codes to such a row (`add` decisions); it counts as
done (status `accepted`) once the coder has a current accept/add of any code on the segment.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from qualmine import SEED, param_error
from qualmine.coding.review.queue import ORDERS, UNCODED, UNCODED_CHOICES, QueueOptions, build_queue, double_coded

STATUSES = ("pending", "accepted", "rejected", "decided", "all")
UNCODED_SOURCE = "uncoded"  # the source filter showing only segments without a suggestion
SOURCES = ("rule", "semantic", "model", "topic", UNCODED_SOURCE)
CONTEXT_WINDOW = 3          # segments shown before and after the one under review
MAX_ANSWERS = 20            # a survey respondent's answers shown at most


@dataclass(frozen=True)
class QueueFilter:
    """What the queue page shows: one coder's rows, filtered and ordered."""

    coder: str
    code: str | None = None
    source: str | None = None
    status: str = "pending"
    order: str = "document"

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise _param_error("status", f"one of {', '.join(STATUSES)}", self.status)
        if self.source is not None and self.source not in SOURCES:
            raise _param_error("source", f"one of {', '.join(SOURCES)} (or empty)", self.source)
        if self.order not in ORDERS:
            raise _param_error("order", f"one of {', '.join(ORDERS)}", self.order)

    def query(self) -> dict[str, str]:
        """The filter as URL query parameters (empty values left out)."""
        values = {"coder": self.coder, "code": self.code, "source": self.source, "status": self.status,
                  "order": self.order}
        return {k: v for k, v in values.items() if v}


@dataclass(frozen=True)
class Progress:
    done: int
    remaining: int

    @property
    def total(self) -> int:
        return self.done + self.remaining

    @property
    def percent(self) -> float:
        return 100.0 * self.done / self.total if self.total else 100.0


_param_error = partial(param_error, "the review page")   # one wording: qualmine.param_error


def item_key(segment_id: str, code_id: str) -> str:
    """One queue row's id in URLs (segment ids never contain '~')."""
    return f"{segment_id}~{code_id}"


def split_item_key(key: str) -> tuple[str, str]:
    """(segment_id, code_id) of a row's key; code_id is `UNCODED` ('') for an uncoded row ('<segment_id>~')."""
    segment_id, sep, code_id = key.partition("~")
    if not sep or not segment_id:
        raise ValueError(f"The 'at' parameter of the review page must look like <segment_id>~<code_id> "
                         f"(<segment_id>~ for a segment without a suggestion). Got {key!r} instead.")
    return segment_id, code_id


def all_rows(queue_filter: QueueFilter, *, suggestions: pd.DataFrame, segments: pd.DataFrame,
             codes: pd.DataFrame, uncertainty: pd.Series | None = None, uncoded: str = "never") -> pd.DataFrame:
    """Every (segment, suggested code) row of the queue in queue order, before assignment.

    Depends only on the run's tables and the filter's code, source and order (not on decisions),
    so the web app computes it once per recorded run. Adds `key` (see `item_key`). `uncoded`:
    when to add segments without a suggestion (`QueueOptions.uncoded`); a source filter keeps
    them out, except the `uncoded` source, which shows them alone (unless `uncoded` is 'never').
    """
    if uncoded not in UNCODED_CHOICES:
        raise _param_error("uncoded", f"one of {', '.join(UNCODED_CHOICES)}", uncoded)
    only_uncoded = queue_filter.source == UNCODED_SOURCE
    if only_uncoded:
        uncoded = "never" if uncoded == "never" else "always"
    elif queue_filter.source:
        suggestions = suggestions[suggestions["source"] == queue_filter.source]
        uncoded = "never"   # a segment without this source's suggestion may have another's
    options = QueueOptions(coder=queue_filter.coder, order=queue_filter.order, uncoded=uncoded,
                           codes=(queue_filter.code,) if queue_filter.code else ())
    nobody = pd.DataFrame(columns=["segment_id", "code_id", "coder", "decision"])
    rows = build_queue(options, suggestions=suggestions, segments=segments, codes=codes, decisions=nobody,
                       assignments=pd.DataFrame(columns=["segment_id", "coder"]), uncertainty=uncertainty)
    rows = rows.drop(columns=["item", "decision", "note"])
    if only_uncoded:
        rows = rows[rows["code_id"] == UNCODED]
    rows = rows.reset_index(drop=True)
    rows["key"] = rows["segment_id"].astype(str) + "~" + rows["code_id"].astype(str)
    rows["rank"] = np.arange(len(rows))
    return rows


def coder_rows(queue_filter: QueueFilter, rows: pd.DataFrame, *, decisions: pd.DataFrame,
               assignments: pd.DataFrame, double_code: float = 0.0, seed: int = SEED) -> pd.DataFrame:
    """The coder's rows of `rows` (from `all_rows`), each with the coder's own status.

    Assignment is the spreadsheet queue's (`coding.review.queue.build_queue`): a segment exported
    to or decided by another coder is not offered, except the double-coded share. Rows the coder
    decided stay, so the status filter can show them. decisions: current decisions, every coder.
    Adds `status` (pending | accepted | rejected), `decision` and `note` (the coder's own); an
    uncoded row is `accepted` (decision `add`) once the coder accepted or added any code on its segment.
    """
    coder = queue_filter.coder
    mine = decisions[decisions["coder"] == coder]
    mine_keys = mine["segment_id"].astype(str) + "~" + mine["code_id"].astype(str)
    others = set(assignments.loc[assignments["coder"] != coder, "segment_id"]) | \
        set(decisions.loc[decisions["coder"] != coder, "segment_id"])
    uncoded = rows["code_id"] == UNCODED
    offered = ~rows["segment_id"].isin(others) | rows["key"].isin(set(mine_keys)) | \
        (uncoded & rows["segment_id"].isin(set(mine["segment_id"])))
    if double_code > 0:
        offered |= double_coded(rows["segment_id"], double_code, seed)
    rows = rows[offered]
    coded = mine[mine["decision"].isin(["accept", "add"])].drop_duplicates("segment_id", keep="last")
    own = pd.DataFrame({"key": pd.concat([mine_keys, coded["segment_id"].astype(str) + "~" + UNCODED]).to_numpy(),
                        "decision": [*mine["decision"], *["add"] * len(coded)],
                        "note": [*mine["note"], *[""] * len(coded)]}).drop_duplicates("key")
    rows = rows.merge(own, on="key", how="left")
    rows["decision"] = rows["decision"].fillna("").astype(str)
    rows["note"] = rows["note"].fillna("").astype(str)
    rows["status"] = rows["decision"].map({"accept": "accepted", "add": "accepted", "reject": "rejected"}) \
        .fillna("pending")
    return rows


def with_status(rows: pd.DataFrame, status: str) -> pd.DataFrame:
    """Rows of one status ('decided' = accepted or rejected; 'all' = every row)."""
    if status == "all":
        return rows
    if status == "decided":
        return rows[rows["status"] != "pending"]
    return rows[rows["status"] == status]


def progress(rows: pd.DataFrame) -> Progress:
    """Done / remaining over the coder's rows (code and source filters applied)."""
    pending = int((rows["status"] == "pending").sum())
    return Progress(done=len(rows) - pending, remaining=pending)


def pick_item(shown: pd.DataFrame, at: str | None, *, after: str | None = None, near: str | None = None,
              everything: pd.DataFrame | None = None) -> pd.Series | None:
    """The row to show: `at` when given (None if absent); else `near` when it is shown; else the
    first row after `after` (or after `near`) in queue order.

    After the last row the queue wraps round, so skipped rows come back at the end. `everything`
    (default `shown`) is the whole queue with its `rank`, so `after` still places correctly once
    its row left `shown` (decided rows leave the pending view).
    """
    if shown.empty:
        return None
    if at is not None or near is not None:
        found = shown[shown["key"] == (at if at is not None else near)]
        if len(found) or at is not None:
            return found.iloc[0] if len(found) else None
        after = near
    if after is None:
        return shown.iloc[0]
    everything = shown if everything is None else everything
    where = everything.loc[everything["key"] == after, "rank"]
    if where.empty:
        return shown.iloc[0]
    later = (shown["rank"] > where.iloc[0]).to_numpy().nonzero()[0]
    return shown.iloc[later[0]] if len(later) else shown.iloc[0]


def highlight_parts(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """`text` cut into (piece, highlighted) so a template can wrap evidence in <mark> and escape all."""
    parts: list[tuple[str, bool]] = []
    cursor = 0
    for start, end in sorted((max(0, int(a)), min(len(text), int(b))) for a, b in spans):
        if end <= cursor or start >= end:
            continue
        start = max(start, cursor)
        if start > cursor:
            parts.append((text[cursor:start], False))
        parts.append((text[start:end], True))
        cursor = end
    if cursor < len(text):
        parts.append((text[cursor:], False))
    return parts or [(text, False)]


def context_segments(segments: pd.DataFrame, documents: pd.DataFrame, segment_id: str,
                     window: int = CONTEXT_WINDOW) -> tuple[str, pd.DataFrame]:
    """(kind, rows) of context for one segment, the segment itself included (`current` column).

    Transcripts: the segments within `window` positions before and after, in the same document.
    Surveys: the respondent's answers to every open question (one document per answer).
    """
    seg = segments[segments["segment_id"] == segment_id]
    if seg.empty:
        raise KeyError(segment_id)
    seg = seg.iloc[0]
    kind = "transcript"
    doc = documents[documents["doc_id"] == seg["doc_id"]]
    if len(doc) and doc.iloc[0]["kind"] == "survey":
        kind = "survey"
    if kind == "survey" and isinstance(seg["respondent_id"], str) and seg["respondent_id"]:
        survey_docs = documents[(documents["kind"] == "survey") & (documents["source_file"] == seg["source_file"])]
        rows = segments[segments["respondent_id"] == seg["respondent_id"]]
        rows = rows[rows["doc_id"].isin(set(survey_docs["doc_id"]))]
        rows = rows.sort_values(["doc_id", "position"], kind="stable").reset_index(drop=True)
        here = int(rows.index[rows["segment_id"] == segment_id][0])
        # A respondent has a few answers; cap it anyway (a mislabelled id could gather thousands).
        rows = rows.iloc[max(0, here - MAX_ANSWERS // 2): max(0, here - MAX_ANSWERS // 2) + MAX_ANSWERS]
    else:
        same = segments[segments["doc_id"] == seg["doc_id"]]
        rows = same[(same["position"] - seg["position"]).abs() <= window].sort_values("position", kind="stable")
    rows = rows.assign(current=rows["segment_id"] == segment_id)
    return kind, rows.reset_index(drop=True)
