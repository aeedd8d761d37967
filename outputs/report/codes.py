"""Which code applications a report shows: reviewed codes only, or reviewed codes plus suggestions.

Coders' decisions live in the project store (`coding.store.database.ProjectStore`), append-only, one
current decision per (segment, code, coder). For a report they are folded into one verdict per
(segment, code): the majority of the coders' current decisions (accept and add count for,
reject against), a tie going to the most recent decision.

* `reviewed` mode: only (segment, code) pairs whose verdict is accept/add.
* `suggestions` mode: the run's machine suggestions, less those the verdict rejects, plus codes
  coders added. With no decisions at all this is exactly the run's `code_applications`.

A code a coder added has no evidence span of its own: the whole segment is its evidence.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd

from qualmine.coding.applications import CODE_APPLICATION_COLUMNS

ReportMode = Literal["reviewed", "suggestions"]
POSITIVE = ("accept", "add")
CODER_SOURCE = "coder"


@dataclass(frozen=True)
class SelectedCodes:
    """The applications a report shows, and the sentence that tells the reader which they are."""

    mode: ReportMode
    applications: pd.DataFrame      # code_applications columns
    statement: str
    decisions_used: int              # current (segment, code, coder) decisions that were folded in
    reviewed: frozenset = frozenset()   # (segment_id, code_id) pairs whose verdict is accept (incl. added)


def review_verdicts(latest: pd.DataFrame) -> pd.DataFrame:
    """One row per (segment_id, code_id): `verdict` accept|reject, `coders`, from coders' current decisions."""
    if latest.empty:
        return pd.DataFrame(columns=["segment_id", "code_id", "verdict", "coders"])
    frame = latest.copy()
    frame["vote"] = frame["decision"].astype(str).str.lower().isin(POSITIVE).map({True: 1, False: -1})
    frame = frame.sort_values(["decided_at", "decision_id"] if "decision_id" in frame.columns else ["decided_at"])
    grouped = frame.groupby(["segment_id", "code_id"], sort=False)
    out = grouped.agg(votes=("vote", "sum"), last_vote=("vote", "last"), coders=("coder", "nunique")).reset_index()
    tally = out["votes"].where(out["votes"] != 0, out["last_vote"])
    out["verdict"] = tally.gt(0).map({True: "accept", False: "reject"})
    return out[["segment_id", "code_id", "verdict", "coders"]]


def select_applications(mode: ReportMode, suggestions: pd.DataFrame, segments: pd.DataFrame,
                        latest_decisions: pd.DataFrame | None) -> SelectedCodes:
    """Fold coders' current decisions into the run's suggestions (see the module docstring)."""
    if mode not in ("reviewed", "suggestions"):
        raise ValueError(f"The 'mode' parameter of select_applications must be 'reviewed' or 'suggestions'. "
                         f"Got {mode!r} instead.")
    known = set(segments["segment_id"])
    latest = latest_decisions if latest_decisions is not None else pd.DataFrame()
    if not latest.empty:
        latest = latest[latest["segment_id"].isin(known)]
    if latest.empty:
        if mode == "reviewed":
            statement = ("Reviewed codes only — but no coder has reviewed any segment of this run yet, so there "
                         "is nothing to show. Run with --include-suggestions to see the machine's suggestions.")
            return SelectedCodes(mode, suggestions.iloc[0:0].copy(), statement, 0)
        sources = ", ".join(sorted(set(suggestions["source"].astype(str)))) or "none"
        statement = (f"Machine suggestions from the run's code_applications (source: {sources}), not reviewed by a "
                     "coder: read counts as what the codebook's terms found, not as verified coding.")
        return SelectedCodes(mode, suggestions.copy(), statement, 0)

    verdicts = review_verdicts(latest)
    keyed = suggestions.merge(verdicts[["segment_id", "code_id", "verdict"]], on=["segment_id", "code_id"], how="left")
    accepted = verdicts[verdicts["verdict"] == "accept"]
    added_keys = accepted.merge(suggestions[["segment_id", "code_id"]].drop_duplicates(),
                                on=["segment_id", "code_id"], how="left", indicator=True)
    added = _whole_segment_applications(added_keys[added_keys["_merge"] == "left_only"], segments)
    if mode == "reviewed":
        kept = keyed[keyed["verdict"] == "accept"]
        statement = (f"Reviewed codes only: the {len(accepted)} (segment, code) pairs that coders accepted or added "
                     f"({latest['coder'].nunique()} coder(s), majority of their current decisions). "
                     "Unreviewed machine suggestions are left out.")
    else:
        kept = keyed[keyed["verdict"] != "reject"]
        rejected = int((keyed["verdict"] == "reject").sum())
        statement = (f"Machine suggestions plus coders' review: {len(accepted)} (segment, code) pairs confirmed or "
                     f"added by coders, {rejected} suggestions that coders rejected left out, and the remaining "
                     "suggestions shown unreviewed.")
    columns = list(CODE_APPLICATION_COLUMNS)
    frame = pd.concat([kept[columns], added[columns]], ignore_index=True)
    reviewed = frozenset(zip(accepted["segment_id"].astype(str), accepted["code_id"].astype(str)))
    return SelectedCodes(mode, frame.astype(suggestions.dtypes.to_dict()), statement, len(latest), reviewed)


def _whole_segment_applications(keys: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    rows = keys[["segment_id", "code_id"]].merge(segments[["segment_id", "start", "end", "text"]], on="segment_id")
    return pd.DataFrame({
        "segment_id": rows["segment_id"], "code_id": rows["code_id"], "source": CODER_SOURCE,
        "start": rows["start"].astype("int64"), "end": rows["end"].astype("int64"),
        "evidence": rows["text"].astype(str), "score": 1.0, "matched": "", "hits": 1,
    }, columns=list(CODE_APPLICATION_COLUMNS))


def store_decisions(store: str | Path | None) -> tuple[pd.DataFrame | None, str]:
    """Coders' current decisions from the project store, or (None, why not) — never creates a store.

    `store` is a path or SQLAlchemy URL; None means the default store (qualmine-runs/qualmine.sqlite).
    """
    # Imported here so a report without a store never loads SQLAlchemy; a broken install fails loudly.
    from qualmine.coding.store.database import ProjectStore, redact_url, resolve_store_url

    url = resolve_store_url(store)
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///"):])
        if not path.exists():
            return None, f"there is no project store at {path}"
    try:
        with ProjectStore(url) as opened:
            return opened.decisions(latest=True), ""
    except Exception as exc:  # noqa: BLE001 — any store failure degrades the report, it does not stop it
        return None, f"the project store {redact_url(url)} could not be read ({type(exc).__name__}: {exc})"
