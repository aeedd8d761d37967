"""The rules that turn the append-only review decisions into what each coder (or the majority) says.

Pure pandas, no store: `coding.suggest.model.training_set` and `coding.review.agreement` both build on these.

* Latest wins: each coder's latest decision per (segment, code) supersedes their earlier ones
  (ordered by `decided_at`, then `decision_id` when present, then row order).
* Present: a coder says a code is present on a segment when their latest decision is `accept` or
  `add`, and absent when it is `reject`.
* Retract: an undo in the review page appends `retract` ("no decision any more"); when a coder's
  latest row for a (segment, code) is a retract, that coder has no decision on it.
"""
from __future__ import annotations

import pandas as pd

RETRACT = "retract"
DECISIONS = ("accept", "reject", "add", RETRACT)
PRESENT = ("accept", "add")
DECISION_COLUMNS = ("segment_id", "code_id", "coder", "decision")


def check_decisions(decisions: pd.DataFrame, *, source: str = "decisions") -> None:
    """Raise ValueError listing every problem: missing columns, empty ids, decisions outside DECISIONS."""
    missing = [c for c in DECISION_COLUMNS if c not in decisions.columns]
    if missing:
        raise ValueError(f"{source}: missing column(s) {missing}; expected at least {list(DECISION_COLUMNS)}")
    problems = []
    for column in ("segment_id", "code_id", "coder"):
        empty = decisions[column].isna() | (decisions[column].astype(str).str.strip() == "")
        problems += [f"row {i}: field '{column}' is empty" for i in decisions.index[empty]]
    bad = ~decisions["decision"].isin(DECISIONS)
    problems += [f"row {i}: field 'decision' must be one of {list(DECISIONS)}; got {v!r}"
                 for i, v in decisions.loc[bad, "decision"].items()]
    if problems:
        shown = "\n  ".join(problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        raise ValueError(f"{source}: {len(problems)} invalid row(s):\n  {shown}{more}")


def latest_per_coder(decisions: pd.DataFrame) -> pd.DataFrame:
    """Each coder's current decision per (segment, code); the input is validated first.

    A pair whose latest row is a retract is left out: the coder took the decision back.

    Ordered by `decided_at` (when the column exists), then `decision_id` (when it exists), then the
    row order, so of two decisions with the same time the later row wins.
    """
    check_decisions(decisions)
    ordered = decisions.reset_index(drop=True).assign(_row=lambda d: range(len(d)))
    keys = [c for c in ("decided_at", "decision_id") if c in ordered.columns] + ["_row"]
    if "decided_at" in ordered.columns:
        ordered = ordered.assign(decided_at=pd.to_datetime(ordered["decided_at"], utc=True, format="mixed"))
    ordered = ordered.sort_values(keys, kind="stable")
    latest = ordered.drop_duplicates(["segment_id", "code_id", "coder"], keep="last")
    latest = latest[latest["decision"] != RETRACT]
    return latest.drop(columns="_row").sort_index().reset_index(drop=True)
