"""`qualmine export ...` and `qualmine import ...`: REFI-QDA exchange with NVivo, ATLAS.ti, MAXQDA,
QualCoder and Taguette. Parses arguments and calls the outputs.refi_* functions; no logic here."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

export_app = typer.Typer(help="Export a codebook (.qdc) or a coded project (.qdpx) for other QDA tools.",
                         no_args_is_help=True)
import_app = typer.Typer(help="Import a codebook (.qdc) or a coded project (.qdpx) from other QDA tools.",
                         no_args_is_help=True)

console = Console()
err_console = Console(stderr=True)

STORE_HELP = "Project store (SQLite path or SQLAlchemy URL); implies --store. Default: outputs/qualmine.sqlite."
NAMES_HELP = "Code names in the QDA tool: 'both' ('中文 / English'), 'zh' or 'en'."


def _fail(message: str) -> None:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def _refuse_overwrite(out: Path, force: bool) -> None:
    if out.exists() and not force:
        _fail(f"{out} exists; choose another --out or pass --force to overwrite it")
    if out.is_dir():
        _fail(f"{out} is a folder; --out names the file to write")


def _notes(notes) -> None:
    for note in notes:
        console.print(f"[dim]note:[/] {note}", highlight=False, soft_wrap=True)


def _names(value: str) -> str:
    if value not in ("both", "zh", "en"):
        _fail(f"--names must be one of both, zh, en; got {value!r}")
    return value


@export_app.command("qdc")
def export_qdc(
    codebook: Path = typer.Option(..., "--codebook", help="Codebook YAML file."),
    out: Path = typer.Option(..., "--out", help="The .qdc file to write."),
    names: str = typer.Option("both", "--names", help=NAMES_HELP),
    force: bool = typer.Option(False, "--force", help="Overwrite --out if it exists."),
) -> None:
    """Write the codebook as a REFI-QDA codebook (.qdc), validated against the official schema."""
    from qualmine.coding.codebook import CodebookError, load_codebook
    from qualmine.outputs.refi.codebook import write_qdc
    from qualmine.outputs.refi.common import RefiError

    _refuse_overwrite(out, force)
    try:
        book = load_codebook(codebook)
        path = write_qdc(book, out, name_lang=_names(names))
    except (CodebookError, RefiError) as exc:
        _fail(str(exc))
    console.print(f"{len(book.codes)} codes written to [bold]{path}[/]", highlight=False)


@export_app.command("qdpx")
def export_qdpx_cmd(
    run: Path = typer.Option(..., "--run", help="Run folder written by `qualmine run` (or `qualmine import qdpx`)."),
    out: Path = typer.Option(..., "--out", help="The .qdpx file to write."),
    codebook: Optional[Path] = typer.Option(None, "--codebook", help="Codebook YAML (default: the run's own)."),
    store: bool = typer.Option(False, "--store", help="Also export review decisions from the project store."),
    store_url: Optional[str] = typer.Option(None, "--store-url", help=STORE_HELP),
    names: str = typer.Option("both", "--names", help=NAMES_HELP),
    name: Optional[str] = typer.Option(None, "--name", help="Project name shown in the QDA tool (default: run folder name)."),
    force: bool = typer.Option(False, "--force", help="Overwrite --out if it exists."),
) -> None:
    """Write the run as a REFI-QDA project (.qdpx): sources, coded selections, codes, users, cases."""
    from qualmine.coding.codebook import CodebookError
    from qualmine.outputs.refi.common import RefiError
    from qualmine.outputs.refi.project_export import export_qdpx

    if not run.is_dir():
        _fail(f"run folder {run} does not exist")
    _refuse_overwrite(out, force)
    decisions = segments = None
    if store or store_url:
        from qualmine.outputs.refi.store_bridge import store_review_decisions

        decisions, segments = store_review_decisions(store_url)
    try:
        result = export_qdpx(run, out, codebook=codebook, decisions=decisions, store_segments=segments,
                             name_lang=_names(names), name=name)
    except (CodebookError, RefiError) as exc:
        _fail(str(exc))
    console.print(f"{result.sources} sources, {result.selections} coded selections ({result.codings} codings; users "
                  f"{', '.join(result.users)}), {result.cases} cases written to [bold]{result.path}[/]", highlight=False)
    _notes(result.notes)


@import_app.command("qdc")
def import_qdc(
    file: Path = typer.Argument(..., help="REFI-QDA codebook (.qdc) from NVivo, ATLAS.ti, MAXQDA, QualCoder..."),
    out: Path = typer.Option(..., "--out", help="Codebook YAML file to write."),
    force: bool = typer.Option(False, "--force", help="Overwrite --out if it exists."),
) -> None:
    """Convert a .qdc codebook into a qualmine codebook YAML file."""
    from qualmine.coding.codebook import dump_codebook
    from qualmine.outputs.refi.codebook import read_qdc
    from qualmine.outputs.refi.common import RefiError

    _refuse_overwrite(out, force)
    try:
        imported = read_qdc(file)
    except RefiError as exc:
        _fail(str(exc))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(dump_codebook(imported.codebook), encoding="utf-8")
    kinds: dict[str, int] = {}
    for code in imported.codebook.codes:
        kinds[code.kind] = kinds.get(code.kind, 0) + 1
    detail = ", ".join(f"{n} {k}" for k, n in kinds.items())
    console.print(f"{len(imported.codebook.codes)} codes ({detail}) written to [bold]{out}[/]", highlight=False)
    _notes(imported.notes)


@import_app.command("qdpx")
def import_qdpx(
    file: Path = typer.Argument(..., help="REFI-QDA project (.qdpx) from NVivo, ATLAS.ti, MAXQDA, QualCoder..."),
    coder: str = typer.Option(..., "--coder", help="Whose coding this is: the coder name for the decisions."),
    out: Optional[Path] = typer.Option(None, "--out", help="Run folder to write (default outputs/import-<file stem>)."),
    store: bool = typer.Option(False, "--store", help="Also append the coder's decisions to the project store."),
    store_url: Optional[str] = typer.Option(None, "--store-url", help=STORE_HELP),
    max_segment_chars: int = typer.Option(300, "--max-segment-chars", help="Longest segment, as in `qualmine run`."),
    force: bool = typer.Option(False, "--force", help="Replace the earlier run in --out (its files are deleted)."),
) -> None:
    """Bring a coded project in: a run folder of tables, and (with --store) the coder's decisions."""
    from qualmine.flows.settings import DEFAULT_OUTPUTS
    from qualmine.outputs.refi.common import RefiError
    from qualmine.outputs.refi.project_import import read_qdpx, write_imported_run

    if not coder.strip():
        _fail("--coder must be a non-empty name")
    out = out or DEFAULT_OUTPUTS / f"import-{file.stem}"
    from qualmine.outputs.run_folder import RunFolderError, check_run_folder

    try:   # before reading: an earlier run is never replaced without --force
        check_run_folder(out, force=force)
    except RunFolderError as exc:
        _fail(str(exc))
    try:
        project = read_qdpx(file, coder, max_segment_chars=max_segment_chars)
    except RefiError as exc:
        _fail(str(exc))
    if out.is_dir() and force:   # an earlier run (check_run_folder made sure): cleared, never mixed with this one
        import shutil

        shutil.rmtree(out)
    write_imported_run(project, out)
    console.print(f"{len(project.documents)} documents, {len(project.segments)} segments, "
                  f"{len(project.code_applications)} code applications written to [bold]{out}[/]", highlight=False)
    _notes(project.notes)
    if store or store_url:
        from qualmine.outputs.refi.store_bridge import record_imported_decisions

        from qualmine.coding.store.database import redact_url

        result = record_imported_decisions(project, store_url)
        console.print(f"store {redact_url(result.url)}: {result.appended} decision(s) of {coder!r} appended", highlight=False)
        _notes(result.notes)
