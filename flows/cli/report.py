"""`qualmine report`: parse arguments and call the report stage; no report logic lives here."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from qualmine.flows.cli.common import console, fail


def report(
    run: Path = typer.Option(..., "--run", help="Run folder written by `qualmine run` (its tables are read)."),
    reviewed_only: bool = typer.Option(
        False, "--reviewed-only/--include-suggestions",
        help="Show only codes coders accepted or added (from the project store), or also the machine's "
             "suggestions (default). The report states which it shows."),
    store: Optional[str] = typer.Option(
        None, "--store", help="Project store with coders' decisions: a SQLite path or SQLAlchemy URL "
                              "(default qualmine-runs/qualmine.sqlite, or $QUALMINE_STORE)."),
    codebook: Optional[Path] = typer.Option(
        None, "--codebook", help="Codebook YAML, when the one the run manifest names has moved or changed."),
    prefect: bool = typer.Option(
        False, "--prefect/--no-prefect",
        help="Run as a Prefect flow and publish the summary as artifacts (starts a local API: ~5 s)."),
    force: bool = typer.Option(
        False, "--force", help="Replace report files even if they were edited or not written by qualmine "
                               "(the report qualmine wrote for this run is regenerated without it)."),
) -> None:
    """Write report.html, report.md (charts in report_files/) and report.docx into the run folder."""
    from qualmine.flows.cli.common import boot_prefect, wait_for_prefect

    boot = boot_prefect() if prefect else None   # the API server starts while we import and load
    from qualmine.coding.codebook import CodebookError, load_codebook
    from qualmine.outputs.report.build import report_file_names
    from qualmine.outputs.report.data import ReportInputError
    from qualmine.outputs.written_files import OverwriteRefused, check_replace

    book = None
    if codebook is not None:
        try:
            book = load_codebook(codebook)
        except CodebookError as exc:
            fail(str(exc))
    mode = "reviewed" if reviewed_only else "suggestions"
    try:
        replaced = check_replace(run, report_file_names(run), force=force) if run.is_dir() else []
    except OverwriteRefused as exc:
        fail(str(exc))
    try:
        if prefect:
            from qualmine.flows.report import run_report
            wait_for_prefect(boot)
            result = run_report(run, mode, store, str(codebook) if codebook else None)
        else:
            from qualmine.outputs.report.build import write_report
            result = write_report(run, mode, store, book)
    except ReportInputError as exc:
        fail(str(exc))
    console.print(f"[bold]{result.mode}[/]: {result.statement}", highlight=False, soft_wrap=True)
    for note in result.notes:
        console.print(f"[dim]note:[/] {note}", highlight=False, soft_wrap=True)
    replaced_names = {p.name for p in replaced}
    for path in result.paths:
        if path.suffix in (".html", ".md", ".docx"):
            how = "replaced (regenerated)" if path.name in replaced_names else "wrote"
            console.print(f"{how} {path}", highlight=False)
    if result.artifacts:
        console.print(f"published {result.artifacts} Prefect artifact(s)", highlight=False)
