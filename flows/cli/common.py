"""What every `qualmine` command shares: the consoles, `fail`, the progress display, Prefect's boot.

Command modules import from here (never from app.py), so app.py can import them all at its top
without an import circle.
"""
from __future__ import annotations

import qualmine.flows.runtime.env  # noqa: F401  (must precede any prefect import)

import typer
from typer.core import TyperGroup

from qualmine import QualmineError

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskProgressColumn, TextColumn, TimeElapsedColumn

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


def run_with_progress(settings, expected_errors: tuple[type[Exception], ...], codebook=None, force: bool = False):
    """Run the main flow with a progress line per stage; an expected error becomes a clean exit 2.

    `codebook`: the one the command already loaded and validated (spares the pre-flight a reload).
    `force`: replace an earlier run in the run folder.
    """
    from qualmine.flows.pipeline import run_pipeline
    from qualmine.flows.runtime.boot import PrefectBootError
    from qualmine.flows.progress import reporting
    from qualmine.outputs.run_folder import RunFolderError

    try:
        with progress_display() as progress, reporting(RichReporter(progress)):
            result = run_pipeline(settings, codebook, force=force)
    except (*expected_errors, PrefectBootError, RunFolderError) as exc:
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


def print_error(message: str) -> None:
    """`error: message` on stderr (messages quote paths and exceptions: brackets are text, not markup)."""
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)


def fail(message: str, code: int = 2) -> None:
    """Print the error and end the command with exit `code`."""
    print_error(message)
    raise typer.Exit(code)


class QualmineGroup(TyperGroup):
    """The root command group: a QualmineError (something the user can fix) from any command becomes
    one `error:` line and exit 2, never a traceback. Programming errors still show theirs."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except QualmineError as exc:
            fail(str(exc))


def note(message: str) -> None:
    """A dim `note:` line on stdout (the message is text, not markup)."""
    console.print(f"[dim]note:[/] {escape(str(message))}", highlight=False, soft_wrap=True)


def _hide_flag_types() -> None:
    """Typer 0.29 prints `<bool>` beside every on/off flag (`--no-topics <bool>`), which reads as if
    the flag took a value; flags take none, so their type is not shown."""
    from typer.core import TyperOption

    shown = TyperOption.display_type_rich
    if getattr(shown, "_qualmine", False):
        return

    def display_type_rich(self, ctx):
        return None if self.is_flag else shown(self, ctx)

    display_type_rich._qualmine = True
    TyperOption.display_type_rich = display_type_rich


_hide_flag_types()
