"""Inter-coder agreement on review decisions, and agreement between the model and each coder.

A *unit* is one (segment, code) pair; each coder's value on it is binary: present (latest
decision `accept` / `add`) or absent (`reject`). A coder with no decision on a unit is missing
there (pass `implicit_absent=True` to count "reviewed the segment, never marked the code" as
absent instead). The statistics come from maintained implementations: scikit-learn's
`cohen_kappa_score` and NLTK's `AnnotationTask.alpha` (Krippendorff's alpha, nominal distance).

`respondent_agreement_tables` counts the same statistics with one unit per (respondent, code).
Coders whose name starts with `model:` are machines (the rule coder, the trained model): they
are left out of the coders' agreement and compared with each human coder instead.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Iterable

import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score

from qualmine.coding.store.decision_rules import PRESENT, latest_per_coder

OVERALL = "(overall)"
COMPARISON_CODERS = "coders"
MACHINE_PREFIX = "model:"
AGREEMENT_COLUMNS = ("comparison", "code_id", "coders", "units", "percent_agreement", "cohen_kappa",
                     "krippendorff_alpha", "present")


@dataclass(frozen=True)
class AgreementResult:
    """agreement: one row per (comparison, code) plus '(overall)'; disagreements: units to adjudicate.

    agreement columns: comparison ('coders', or '<model> vs <coder>'), code_id, coders (names,
    comma-separated), units (units with >= 2 values), percent_agreement (share of those units
    where every value is the same, 0..1), cohen_kappa (exactly two coders, else NaN),
    krippendorff_alpha (any number of coders, missing values allowed), present (present values).
    disagreements columns: segment_id, code_id, then one column per coder holding that coder's
    latest decision ('accept' / 'add' / 'reject', 'absent (not marked)' with implicit_absent,
    '' when missing), then humans_disagree (False: only a machine differs).
    """

    agreement: pd.DataFrame
    disagreements: pd.DataFrame


def is_machine(coder: str) -> bool:
    """A machine source's coder name (`model:…`), not a person's.

    >>> is_machine("model:suggester"), is_machine("ana")
    (True, False)
    """
    return str(coder).startswith(MACHINE_PREFIX)


def krippendorff_alpha(values: pd.DataFrame) -> float:
    """Nominal Krippendorff's alpha of a units x coders table (NaN = missing), via NLTK.

    Units with fewer than two values are not pairable and are ignored. NaN when no unit is
    pairable or every pairable value is the same (alpha is undefined without variation;
    NLTK would return 1).

    >>> round(krippendorff_alpha(pd.DataFrame({"ana": [1, 0, 1, 0, 1], "ben": [1, 0, 1, 1, 1]})), 3)
    0.571
    >>> krippendorff_alpha(pd.DataFrame({"ana": [1, 1], "ben": [1, 1]}))
    nan
    """
    from nltk.metrics.agreement import AnnotationTask
    from nltk.metrics.distance import binary_distance

    triples = [(str(coder), str(unit), value)
               for unit, row in values.iterrows() if row.notna().sum() >= 2
               for coder, value in row.items() if pd.notna(value)]
    if len({v for _, _, v in triples}) < 2:
        return float("nan")
    return float(AnnotationTask(data=triples, distance=binary_distance).alpha())


def _statistics(values: pd.DataFrame) -> dict[str, float]:
    """percent agreement, Cohen's kappa (two coders) and alpha of a units x coders 0/1 table."""
    pairable = values[values.notna().sum(axis=1) >= 2]
    out = {"units": len(pairable), "present": int((pairable == 1).sum().sum()),
           "percent_agreement": float("nan"), "cohen_kappa": float("nan"), "krippendorff_alpha": float("nan")}
    if pairable.empty:
        return out
    out["percent_agreement"] = float((pairable.nunique(axis=1) == 1).mean())
    if values.shape[1] == 2:
        both = pairable.dropna()
        a, b = both.iloc[:, 0].astype(int), both.iloc[:, 1].astype(int)
        if len(both) and len(set(a) | set(b)) > 1:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)   # kappa is NaN when one coder never varies
                out["cohen_kappa"] = float(cohen_kappa_score(a, b, labels=[0, 1]))
    out["krippendorff_alpha"] = krippendorff_alpha(pairable)
    return out


def _unit_table(latest: pd.DataFrame, implicit_absent: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(values, said): units x coders, values 1/0/NaN and the word each coder said."""
    said = latest.pivot(index=["segment_id", "code_id"], columns="coder", values="decision")
    if implicit_absent:
        reviewed = latest.groupby("coder")["segment_id"].agg(set)
        for coder in said.columns:
            seen = said.index.get_level_values("segment_id").isin(reviewed[coder])
            said.loc[seen & said[coder].isna(), coder] = "absent (not marked)"
    values = said.apply(lambda col: col.map(lambda d: np.nan if pd.isna(d) else float(d in PRESENT)))
    return values.astype(float), said.fillna("")


def _rows(comparison: str, values: pd.DataFrame) -> list[dict]:
    coders = ", ".join(str(c) for c in values.columns)
    rows = []
    for code_id, per_code in values.groupby(level="code_id", sort=True):
        rows.append({"comparison": comparison, "code_id": code_id, "coders": coders, **_statistics(per_code)})
    rows.append({"comparison": comparison, "code_id": OVERALL, "coders": coders, **_statistics(values)})
    return [r for r in rows if r["units"] > 0 or r["code_id"] == OVERALL]


def agreement_tables(decisions: pd.DataFrame, *, implicit_absent: bool = False,
                     include_models: bool = True) -> AgreementResult:
    """Agreement per code and overall among human coders, and between each machine and each coder.

    decisions: segment_id, code_id, coder, decision (+ decided_at / decision_id: each coder's
    latest decision per unit wins). Only units with at least two human values count for the
    coders' rows; a machine ('model:...') is compared with each human on the units both decided.
    """
    columns = list(AGREEMENT_COLUMNS)
    latest = latest_per_coder(decisions) if len(decisions) else decisions
    if latest.empty:
        return AgreementResult(pd.DataFrame(columns=columns), pd.DataFrame(columns=["segment_id", "code_id"]))
    values, said = _unit_table(latest, implicit_absent)
    humans = [c for c in values.columns if not is_machine(c)]
    machines = [c for c in values.columns if is_machine(c)] if include_models else []
    rows = _rows(COMPARISON_CODERS, values[humans]) if len(humans) >= 2 else []
    for machine in machines:
        for human in humans:
            rows += _rows(f"{machine} vs {human}", values[[machine, human]])
    agreement = pd.DataFrame(rows, columns=columns)

    kept = humans + machines
    shown = values[kept]
    varied = shown.nunique(axis=1) > 1
    human_varied = values[humans].nunique(axis=1) > 1
    disagreements = said.loc[varied, kept].copy()
    disagreements["humans_disagree"] = human_varied[varied]
    disagreements = disagreements.reset_index()
    disagreements.columns.name = None
    return AgreementResult(agreement.reset_index(drop=True), disagreements)


def model_decisions(scores: pd.DataFrame, *, threshold: float, model: str = "model:suggester",
                    units: pd.DataFrame | None = None) -> pd.DataFrame:
    """Model scores as decisions of coder `model`: 'accept' when score >= threshold, else 'reject'.

    scores: long (segment_id, code_id, score) or wide (index segment_id, one column per code_id,
    as `CodeSuggester.predict_proba` with the segment ids as index). In the long form a scored
    segment without a row for a code means score 0 for it. `units` (segment_id, code_id), when
    given, limits the output to those pairs on scored segments and codes the model knows.
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be a float in the range (0, 1]; got {threshold!r}")
    if not is_machine(model):
        raise ValueError(f"model coder names start with {MACHINE_PREFIX!r}; got {model!r}")
    if {"segment_id", "code_id", "score"} <= set(scores.columns):
        wide = scores.pivot_table(index="segment_id", columns="code_id", values="score", aggfunc="max").fillna(0.0)
    else:
        wide = scores.rename_axis("segment_id")
    wide.columns = wide.columns.astype(str)
    long = wide.rename_axis(columns="code_id").stack().rename("score").reset_index()
    if units is not None:
        long = long.merge(units[["segment_id", "code_id"]].drop_duplicates(), on=["segment_id", "code_id"])
    long["decision"] = np.where(long["score"] >= threshold, "accept", "reject")
    long["coder"] = model
    return long[["segment_id", "code_id", "coder", "decision", "score"]]


def model_vs_coders(decisions: pd.DataFrame, scores: pd.DataFrame, *, threshold: float = 0.5,
                    model: str = "model:suggester", implicit_absent: bool = False,
                    code_ids: Iterable[str] | None = None) -> AgreementResult:
    """The same statistics between a model's suggestions and each human coder.

    decisions: the coders' decisions (machine rows in it are ignored). scores: the model's scores
    in either form `model_decisions` accepts; a score >= `threshold` means 'present'. Units are
    the (segment, code) pairs the coders decided on, on segments the model scored, for codes the
    model knows (or `code_ids`). Returns rows with comparison '<model> vs <coder>' per code and
    overall, and the units where the model and a coder differ.
    """
    # .astype(bool): on no rows map() gives an object Series, which [] reads as column labels
    humans = decisions[~decisions["coder"].astype(str).map(is_machine).astype(bool)]
    latest = latest_per_coder(humans) if len(humans) else humans
    if code_ids is not None:
        latest = latest[latest["code_id"].isin(set(code_ids))]
    machine = model_decisions(scores, threshold=threshold, model=model,
                              units=latest[["segment_id", "code_id"]].drop_duplicates())
    if machine.empty:
        return AgreementResult(pd.DataFrame(columns=list(AGREEMENT_COLUMNS)),
                               pd.DataFrame(columns=["segment_id", "code_id"]))
    scored = set(machine["segment_id"])
    latest = latest[latest["segment_id"].isin(scored) & latest["code_id"].isin(set(machine["code_id"]))]
    both = pd.concat([latest[["segment_id", "code_id", "coder", "decision"]],
                      machine[["segment_id", "code_id", "coder", "decision"]]], ignore_index=True)
    result = agreement_tables(both, implicit_absent=implicit_absent)
    agreement = result.agreement[result.agreement["comparison"] != COMPARISON_CODERS].reset_index(drop=True)
    disagreements = result.disagreements
    if len(disagreements):
        disagreements = disagreements[disagreements[model] != ""]
        humans_cols = [c for c in disagreements.columns if c not in ("segment_id", "code_id", "humans_disagree", model)]
        differs = pd.Series(False, index=disagreements.index)
        for coder in humans_cols:
            filled = disagreements[coder] != ""
            differs |= filled & (disagreements[coder].isin(PRESENT) != (disagreements[model] == "accept"))
        disagreements = disagreements[differs].merge(
            machine[["segment_id", "code_id", "score"]].rename(columns={"score": f"{model} score"}),
            on=["segment_id", "code_id"], how="left").reset_index(drop=True)
    return AgreementResult(agreement, disagreements)


def respondent_agreement_tables(decisions: pd.DataFrame, segments: pd.DataFrame, *,
                                implicit_absent: bool = False, include_models: bool = True) -> AgreementResult:
    """The same agreement counted per respondent: a unit is one (respondent, code) pair.

    A coder's value on (respondent, code) is present when any of the coder's current decisions on
    that respondent's segments marks the code present (accept / add), absent when the coder decided
    the code on some of them and marked it on none, missing otherwise. So two coders who put a code
    on different sentences of one answer agree here though they disagree per segment. Segments
    without a respondent id are left out. segments: segment_id, respondent_id. Returns
    `agreement_tables` output with `units` counting respondents; the disagreements table has
    `respondent_id` in place of `segment_id`.
    """
    latest = latest_per_coder(decisions) if len(decisions) else decisions
    if latest.empty:
        return AgreementResult(pd.DataFrame(columns=list(AGREEMENT_COLUMNS)),
                               pd.DataFrame(columns=["respondent_id", "code_id"]))
    who = segments[["segment_id", "respondent_id"]].drop_duplicates("segment_id")
    who = who[who["respondent_id"].notna() & (who["respondent_id"].astype(str).str.strip() != "")]
    # grouped by the id as the tables write it: 1 and "1" are one respondent, not two groups that fold
    # into one unit below, where the coder's later row would win over an earlier present one
    who = who.assign(respondent_id=who["respondent_id"].astype(str))
    rows = latest[["segment_id", "code_id", "coder", "decision"]].merge(who, on="segment_id", how="inner")
    rows = rows.assign(present=rows["decision"].isin(PRESENT))
    per = rows.groupby(["respondent_id", "code_id", "coder"], sort=True)["present"].any().reset_index()
    folded = pd.DataFrame({"segment_id": per["respondent_id"], "code_id": per["code_id"],
                           "coder": per["coder"], "decision": np.where(per["present"], "accept", "reject")})
    result = agreement_tables(folded, implicit_absent=implicit_absent, include_models=include_models)
    return AgreementResult(result.agreement, result.disagreements.rename(columns={"segment_id": "respondent_id"}))


__all__ = ["AgreementResult", "agreement_tables", "krippendorff_alpha", "model_decisions", "model_vs_coders",
           "OVERALL", "is_machine", "respondent_agreement_tables"]

