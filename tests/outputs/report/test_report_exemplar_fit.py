"""The report reads a run's `exemplar_fit` table: a quote the semantic layer or the rules read as
contradicting its code is never shown, unless a coder accepted it (coding/suggest/exemplar_fit.py)."""
from __future__ import annotations

import pandas as pd

from qualmine.outputs.report.data import load_report_data


def test_a_contradicting_segment_leaves_the_reports_quotes(run_copy):
    before = load_report_data(run_copy, use_store=False)
    apps = pd.read_parquet(run_copy / "code_applications.parquet")
    code_id, quotes = next((c, q) for c, q in before.exemplars.items() if len(q) == 3)
    first = quotes[0].segment_id
    pairs = apps[["segment_id", "code_id"]].drop_duplicates()
    fit = pairs.assign(fit=0.5, contradicts=False, why="")
    hit = (fit["segment_id"] == first) & (fit["code_id"] == code_id)
    fit.loc[hit, ["contradicts", "why"]] = [True, "closer to a counter-example"]
    fit.to_parquet(run_copy / "exemplar_fit.parquet", index=False)

    after = load_report_data(run_copy, use_store=False)
    shown = [q.segment_id for q in after.exemplars[code_id]]
    assert first not in shown and len(shown) == 3
    # the other codes' quotes rank by fit (all equal here), so every quote still carries its code
    coded = set(zip(apps["segment_id"], apps["code_id"]))
    assert all((q.segment_id, c) in coded for c, qs in after.exemplars.items() for q in qs)
