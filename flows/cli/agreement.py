"""`qualmine agreement`: agreement between coders (per segment and per respondent) and how far each
machine source (rule, semantic, model) can be trusted per code; the statistics live in
coding/review/agreement.py and coding/review/trust.py."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from qualmine.flows.cli.common import console, fail

STORE_HELP = "Project store: a SQLite file path or a SQLAlchemy URL (default qualmine-runs/qualmine.sqlite, or $QUALMINE_STORE)."
AGREEMENT_SHOWN = ("comparison", "code_id", "units", "percent_agreement", "cohen_kappa", "krippendorff_alpha")
TRUST_SHOWN = ("source", "code_id", "judgements", "precision", "recall", "f1", "cohen_kappa")


def agreement(
    store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
    out: Optional[Path] = typer.Option(None, "--out", help="Folder for the agreement, agreement_by_respondent, "
                                       "disagreements and source_trust tables (default: agreement/ next to the "
                                       "store; a run folder here puts them in that run's report)."),
    force: bool = typer.Option(False, "--force", help="Replace agreement files even if they were edited or not "
                                                      "written by qualmine (its own are regenerated without it)."),
) -> None:
    """Agreement between coders (and the machine) on segments reviewed by two or more coders, per segment and
    per respondent, and each machine source's precision / recall / kappa per code against the coders."""
    from qualmine.coding.review.agreement import agreement_tables, respondent_agreement_tables
    from qualmine.coding.review.trust import source_trust, trust_decisions
    from qualmine.coding.store.database import store_folder
    from qualmine.flows.cli.review import _open
    from qualmine.outputs import write_table

    with _open(store) as project:
        decisions = trust_decisions(project)
        segments = project.segments(set(decisions["segment_id"])) if len(decisions) else None
        folder = out or store_folder(project.url) / "agreement"
    humans = {c for c in decisions["coder"] if not str(c).startswith("model:")}
    if len(humans) < 1 or decisions.empty:
        fail("no decisions in the store yet: import coders' review files first", code=1)
    from qualmine.outputs.written_files import OverwriteRefused, check_replace, record_written

    names = [f"{n}.{ext}" for n in ("agreement", "disagreements", "agreement_by_respondent", "source_trust")
             for ext in ("csv", "parquet")]
    try:
        replaced = check_replace(folder, names, force=force)
    except OverwriteRefused as exc:
        fail(str(exc))
    semantic = decisions["coder"] == "model:semantic"
    result = agreement_tables(decisions[~semantic])     # the agreement table as before: rules and model only
    by_respondent = respondent_agreement_tables(decisions[~semantic], segments)
    trust = source_trust(decisions)
    written = (write_table(result.agreement, folder, "agreement")
               + write_table(result.disagreements, folder, "disagreements")
               + write_table(by_respondent.agreement, folder, "agreement_by_respondent")
               + write_table(trust, folder, "source_trust"))
    record_written(folder, written)
    if replaced:
        console.print(f"replaced {len(replaced)} file(s) qualmine wrote in {folder} before (regenerated)", highlight=False)
    _print(result.agreement, AGREEMENT_SHOWN, "agreement (units: segment x code)")
    overall = by_respondent.agreement[by_respondent.agreement["code_id"] == "(overall)"]
    _print(overall, AGREEMENT_SHOWN, "agreement per respondent, overall (units: respondent x code; every code in "
                                     "agreement_by_respondent)")
    _print(trust, TRUST_SHOWN, "which source to trust: each machine source against the coders' decisions")
    console.print(f"{len(result.disagreements)} disagreement(s); tables written to [bold]{written[0].parent}[/]",
                  highlight=False)


def _print(frame, columns, title: str) -> None:
    shown = [c for c in columns if c in frame.columns]   # the files have every column; the terminal is narrow
    table = Table(title=title)
    for column in shown:
        table.add_column(column.replace("_", " "), overflow="fold")
    for row in frame[shown].itertuples(index=False):
        table.add_row(*[f"{v:.3f}" if isinstance(v, float) else str(v) for v in row])
    console.print(table)
