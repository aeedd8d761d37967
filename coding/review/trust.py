"""Which machine source to trust, per code: each source's precision, recall and kappa against the coders.

The sources are the three that suggest codes: `rule` (codebook keywords and patterns), `semantic`
(zero-shot similarity to the codebook) and `model` (the suggester trained on coders' decisions).
Each takes part as a machine coder on the units coders decided (`coding.suggest.learning.
agreement_decisions`: a unit is a (segment, code) pair; a coder who reviewed a segment and did
not mark a code there counts as rejecting it): the machine says *present* when it suggested the
code on the segment, else *absent*. The reference is every coder's current decision on the unit
(accept / add = present, reject = absent), so a double-coded unit counts once per coder.

Per (source, code): the confusion counts, precision (of what the source suggested, the share
coders kept), recall (of what coders coded, the share the source suggested), F1 and Cohen's kappa
(scikit-learn's `cohen_kappa_score`) between the source and the coders' judgements. `(overall)`
rows pool every code of a source (micro averages). A source judged on nothing (no suggestion of
it in the store, or the model scored no reviewed segment) has no rows.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score

from qualmine.coding.review.agreement import OVERALL, is_machine
from qualmine.coding.store.decision_rules import PRESENT

# The machine coders of `agreement_decisions` (and the semantic one added here), by suggestion source.
SOURCE_CODERS = {"model:rules": "rule", "model:semantic": "semantic", "model:suggester": "model"}
SEMANTIC_CODER = "model:semantic"
TRUST_COLUMNS = ("source", "code_id", "units", "judgements", "true_positive", "false_positive", "false_negative",
                 "true_negative", "precision", "recall", "f1", "cohen_kappa")


def source_trust(decisions: pd.DataFrame) -> pd.DataFrame:
    """Per machine source and code, how well it matches the coders (TRUST_COLUMNS; see the module docstring).

    decisions: segment_id, code_id, coder, decision: each human coder's current decision per unit and
    each machine coder's (`model:rules`, `model:semantic`, `model:suggester`) accept / reject on the
    units it judged. `units`: distinct (segment, code) pairs compared; `judgements`: coder decisions
    compared (a unit decided by two coders counts twice). precision / recall / f1 are NaN when their
    denominator is 0, cohen_kappa when source or coders never vary.
    """
    if decisions.empty:
        return pd.DataFrame(columns=list(TRUST_COLUMNS))
    is_bot = decisions["coder"].astype(str).map(is_machine)
    humans = decisions.loc[~is_bot, ["segment_id", "code_id", "decision"]]
    humans = humans.assign(coded=humans["decision"].isin(PRESENT))
    rows = []
    for machine, said in decisions[is_bot].groupby("coder", sort=False):
        said = said.drop_duplicates(["segment_id", "code_id"], keep="last")
        pairs = humans.merge(said.assign(suggested=said["decision"].isin(PRESENT))[["segment_id", "code_id", "suggested"]],
                             on=["segment_id", "code_id"])
        if pairs.empty:
            continue
        source = SOURCE_CODERS.get(str(machine), str(machine))
        for code_id, per_code in pairs.groupby("code_id", sort=True):
            rows.append(_row(source, str(code_id), per_code))
        rows.append(_row(source, OVERALL, pairs))
    frame = pd.DataFrame(rows, columns=list(TRUST_COLUMNS))
    order = {s: i for i, s in enumerate(SOURCE_CODERS.values())}
    frame = frame.assign(_s=frame["source"].map(order).fillna(len(order)), _o=frame["code_id"] == OVERALL)
    return frame.sort_values(["_s", "source", "_o", "code_id"], kind="stable").drop(columns=["_s", "_o"]) \
        .reset_index(drop=True)


def _row(source: str, code_id: str, pairs: pd.DataFrame) -> dict:
    coded, suggested = pairs["coded"].to_numpy(bool), pairs["suggested"].to_numpy(bool)
    tp, fp = int((coded & suggested).sum()), int((~coded & suggested).sum())
    fn, tn = int((coded & ~suggested).sum()), int((~coded & ~suggested).sum())
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else float("nan")
    kappa = float("nan")
    if len(set(coded)) > 1 or len(set(suggested)) > 1:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)   # NaN when one side never varies
            kappa = float(cohen_kappa_score(coded.astype(int), suggested.astype(int), labels=[0, 1]))
    return {"source": source, "code_id": code_id, "units": int(pairs[["segment_id", "code_id"]].drop_duplicates().shape[0]),
            "judgements": len(pairs), "true_positive": tp, "false_positive": fp, "false_negative": fn,
            "true_negative": tn, "precision": precision, "recall": recall, "f1": f1, "cohen_kappa": kappa}


def semantic_decisions(units: pd.DataFrame, suggestions: pd.DataFrame) -> pd.DataFrame:
    """The semantic source as machine coder `model:semantic` on `units` (segment_id, code_id).

    accept where a semantic suggestion of the code is stored on the segment, else reject. Empty
    when the store holds no semantic suggestion at all: the stage did not run (or found nothing),
    and a source that never spoke cannot be judged.
    """
    semantic = suggestions[suggestions["source"] == "semantic"] if len(suggestions) else suggestions
    columns = ["segment_id", "code_id", "coder", "decision"]
    if semantic.empty or units.empty:
        return pd.DataFrame(columns=columns)
    said = set(zip(semantic["segment_id"], semantic["code_id"]))
    units = units[["segment_id", "code_id"]].drop_duplicates()
    decision = np.where([(s, c) in said for s, c in zip(units["segment_id"], units["code_id"])], "accept", "reject")
    return pd.DataFrame({"segment_id": units["segment_id"].to_numpy(), "code_id": units["code_id"].to_numpy(),
                         "coder": SEMANTIC_CODER, "decision": decision}, columns=columns)


def trust_decisions(store) -> pd.DataFrame:
    """The coders' units with every machine source as a coder, read from a `ProjectStore`:
    `agreement_decisions` (coders, `model:rules`, `model:suggester`) plus `model:semantic`."""
    from qualmine.coding.store.decision_rules import RETRACT
    from qualmine.coding.suggest.learning import agreement_decisions

    decisions = agreement_decisions(store)
    if decisions.empty:
        return decisions
    decisions = decisions[decisions["decision"] != RETRACT]
    humans = decisions[~decisions["coder"].astype(str).map(is_machine)]
    semantic = semantic_decisions(humans[["segment_id", "code_id"]], store.suggestions(source="semantic"))
    return pd.concat([decisions, semantic], ignore_index=True) if len(semantic) else decisions.reset_index(drop=True)


__all__ = ["TRUST_COLUMNS", "semantic_decisions", "source_trust", "trust_decisions"]
