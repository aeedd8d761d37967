"""The report's "Which source to trust" section: two different measures, kept apart and labelled.

* **Agreement with coders** (`source_trust`, coding/review/trust.py): each machine source (rule,
  semantic, model) against the coders' decisions on the segments they reviewed, per code.
  Computed from the project store when the report can read it (only units on this run's
  segments), else read from the run folder's `source_trust` table (`qualmine agreement --out RUN`).
* **Held-out evaluation of the trained model** (`qualmine suggest evaluate`): the suggester trained
  without some reviewed segments and scored on them (k-fold or held-out), per code it learns,
  with the codes it does not learn listed apart. Read from the run folder's `evaluation_*` tables,
  else from `evaluation/` next to the store.

Nothing here fails the report: a store or table that cannot be read leaves a sentence saying so.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from qualmine.outputs.writers import read_table

AGREEMENT_HEADING = "Agreement with coders (machine suggestions vs coders' decisions)"
EVALUATION_HEADING = "Held-out evaluation of the trained model (qualmine suggest evaluate)"


@dataclass(frozen=True)
class TrustSection:
    """What the section shows; a None table comes with a statement saying why it is absent."""

    agreement: pd.DataFrame | None          # source_trust columns
    agreement_statement: str
    evaluation: pd.DataFrame | None         # evaluation_scores columns (code_id, precision, recall, f1, support)
    untrained: pd.DataFrame | None          # evaluation_untrained columns
    evaluation_statement: str


def trust_section(run_dir: str | Path, segments: pd.DataFrame, store: str | Path | None,
                  use_store: bool = True) -> TrustSection:
    """Read both measures for the report of `run_dir` (see the module docstring)."""
    run_dir = Path(run_dir)
    agreement, said = _agreement(run_dir, segments, store, use_store)
    evaluation, untrained, evaluated = _evaluation(run_dir, store, use_store)
    return TrustSection(agreement, said, evaluation, untrained, evaluated)


def _agreement(run_dir: Path, segments: pd.DataFrame, store, use_store: bool) -> tuple[pd.DataFrame | None, str]:
    why = "the store was not consulted"
    if use_store:
        table, why = _store_trust(store, set(segments["segment_id"].astype(str)))
        if table is not None:
            return table, _agreement_words(table, "computed from the project store's current decisions")
    saved = read_table(run_dir, "source_trust")
    if saved is not None and len(saved):
        return saved, _agreement_words(saved, "read from this run folder's source_trust table "
                                              "(`qualmine agreement --out`)")
    return None, (f"No machine suggestion can be compared with coders' decisions yet ({why}): review some "
                  "segments (`qualmine review export` / `serve`), then the report shows, per code, how often "
                  "each source's suggestions were kept (precision) and how much of the coders' coding each "
                  "source found (recall).")


def _agreement_words(table: pd.DataFrame, where: str) -> str:
    sources = ", ".join(dict.fromkeys(table["source"].astype(str)))
    return (f"{AGREEMENT_HEADING}: each machine source ({sources}) is compared with every coder's current decision "
            "on the (segment, code) pairs coders reviewed (accept / add = coded; a code not marked on a reviewed "
            "segment = rejected). precision: of the source's suggestions, the share coders kept; recall: of what "
            "coders coded, the share the source suggested; cohen_kappa: agreement beyond chance. These are "
            "measured on the segments coders chose to review (mostly suggested ones), not on a random sample; "
            f"{where}.")


def _store_trust(store, run_segments: set[str]) -> tuple[pd.DataFrame | None, str]:
    try:
        from qualmine.coding.review.trust import source_trust, trust_decisions
        from qualmine.coding.store.database import ProjectStore, redact_url, resolve_store_url
    except ImportError as exc:   # the review stage is optional for a report
        return None, f"the review modules could not be loaded ({exc})"
    url = resolve_store_url(store)
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).exists():
        return None, f"there is no project store at {url[len('sqlite:///'):]}"
    try:
        with ProjectStore(url) as opened:
            decisions = trust_decisions(opened)
    except Exception as exc:  # noqa: BLE001 — any store failure degrades the report, it does not stop it
        return None, f"the project store {redact_url(url)} could not be read ({type(exc).__name__}: {exc})"
    if decisions.empty:
        return None, "no coder has decided anything in the project store"
    table = source_trust(decisions[decisions["segment_id"].astype(str).isin(run_segments)])
    return (table, "") if len(table) else (None, "no coder has reviewed a segment of this run")


def _evaluation(run_dir: Path, store, use_store: bool) -> tuple[pd.DataFrame | None, pd.DataFrame | None, str]:
    folder, model = run_dir, None
    if use_store:
        try:
            from qualmine.coding.store.database import model_path, resolve_store_url, store_folder

            url = resolve_store_url(store)
            model = model_path(url)
            if read_table(run_dir, "evaluation_scores") is None:
                folder = store_folder(url) / "evaluation"
        except Exception:  # noqa: BLE001 — a malformed store URL: the run folder alone is looked at
            model = None
    scores = read_table(folder, "evaluation_scores") if folder.is_dir() else None
    if scores is None or not len(scores):
        trained = model is not None and model.is_file()
        return None, None, ("A trained model exists for this store but has not been evaluated: run `qualmine "
                            "suggest evaluate` for its held-out precision / recall / F1 per code." if trained else
                            "No trained model has been evaluated (`qualmine suggest train`, then `qualmine suggest "
                            "evaluate`): there are no held-out scores to show.")
    untrained = read_table(folder, "evaluation_untrained")
    settings = read_table(folder, "evaluation_settings")
    return scores, untrained, _evaluation_words(scores, untrained, settings, folder, model)


def _evaluation_words(scores: pd.DataFrame, untrained: pd.DataFrame | None, settings: pd.DataFrame | None,
                      folder: Path, model: Path | None) -> str:
    learned = int((~scores["code_id"].astype(str).isin(["micro", "macro"])).sum())
    how, when = "", ""
    if settings is not None and len(settings):
        row = settings.iloc[0]
        method = str(row.get("method", ""))
        try:
            how = (f"{int(row.get('folds'))}-fold cross-validation" if method == "kfold" else
                   f"held-out evaluation ({float(row.get('test_size')):.0%} of the segments held out)"
                   if method == "holdout" else "")
        except (TypeError, ValueError):   # a hand-edited settings table: say less rather than fail
            how = ""
        if how:
            how = f"{how} on {row.get('segments')} reviewed segment(s) (coders: {row.get('coders') or 'all'})"
        when = str(row.get("evaluated_at", "") or "")
    words = (f"{EVALUATION_HEADING}: {how or 'scores'} — the suggester, trained without the segments it is scored "
             f"on, predicted them; precision / recall / F1 per code with support (coded segments scored), micro and "
             f"macro over the {learned} code(s) it learns. Unlike the agreement above, no coder saw these "
             f"predictions. Read from {folder}" + (f", evaluated {when}." if when else "."))
    if untrained is not None and len(untrained):
        words += (f" {len(untrained)} code(s) are not learned on their own (too few positives or negatives) and "
                  "are listed apart with the rule that predicts them instead; they are not in the averages.")
    if model is not None and model.is_file() and when:
        try:
            evaluated = datetime.fromisoformat(when)
            trained = datetime.fromtimestamp(model.stat().st_mtime, tz=timezone.utc)
            if evaluated.tzinfo is not None and trained > evaluated:
                words += " The model was retrained after this evaluation: run `qualmine suggest evaluate` again."
        except ValueError:
            pass
    return words


TRUST_SHOWN = ("source", "code_id", "judgements", "precision", "recall", "f1", "cohen_kappa")
EVALUATION_SHOWN = ("code_id", "precision", "recall", "f1", "support")
UNTRAINED_SHOWN = ("code_id", "positives", "negatives", "reason", "rule")


def shown_columns(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """The columns of `frame` the report shows (the tables have more), those it has, in that order."""
    return frame[[c for c in columns if c in frame.columns]]
