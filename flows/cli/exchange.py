"""`qualmine export ...` and `qualmine import ...`: REFI-QDA exchange with NVivo, ATLAS.ti, MAXQDA,
QualCoder and Taguette. Parses arguments and calls the outputs.refi_* functions; no logic here."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

export_app = typer.Typer(help="Export a codebook (.qdc) or a coded project (.qdpx) for other QDA tools.",
                         no_args_is_help=True)
import_app = typer.Typer(help="Import a codebook (.qdc) or a coded project (.qdpx) from other QDA tools.",
                         no_args_is_help=True)

from qualmine.flows.cli.common import console, err_console, fail

STORE_HELP = ("Also use the project store: `--store PATH` (a SQLite file or SQLAlchemy URL, as on every other "
              "command), or `--store` alone for the default (qualmine-runs/qualmine.sqlite, or $QUALMINE_STORE).")
STORE_URL_HELP = "Deprecated spelling of `--store PATH` (still works)."
DEFAULT_STORE = "(default)"   # what a bare `--store` stands for


def bare_store_argv(argv: list[str]) -> list[str]:
    """`argv` with a bare `--store` of `export qdpx` / `import qdpx` given its default value.

    Those two commands took `--store` as a flag before `--store PATH` meant the same as on every
    other command; the old spelling keeps working: `--store` followed by nothing or by another
    option stands for the default store. (The CLI parser cannot make an option's value optional.)
    """
    if len(argv) < 2 or argv[0] not in ("export", "import") or argv[1] != "qdpx":
        return argv
    out = list(argv)
    for i in range(len(out) - 1, 1, -1):
        if out[i] == "--store" and (i + 1 == len(out) or out[i + 1].startswith("-")):
            out.insert(i + 1, DEFAULT_STORE)
    return out


def _store_location(store: Optional[str], store_url: Optional[str]) -> tuple[bool, Optional[str]]:
    """(use the store, its location or None for the default) from `--store [PATH]` and the old `--store-url`."""
    if store_url:
        err_console.print("[dim]note:[/] --store-url is deprecated: write --store PATH", highlight=False)
        if store not in (None, DEFAULT_STORE) and store != store_url:
            fail(f"--store {store} and --store-url {store_url} name two stores; give one --store PATH")
        return True, store_url
    if store is None:
        return False, None
    return True, None if store == DEFAULT_STORE else store
NAMES_HELP = "Code names in the QDA tool: 'both' ('中文 / English'), 'zh' or 'en'."
LABELS_HELP = ("Language of code names that are not qualmine's own: 'auto' (as the file declares, else by script: "
               "Chinese -> zh, anything else -> en), 'zh' or 'en'.")


def _refuse_overwrite(out: Path, force: bool) -> None:
    if out.exists() and not force:
        fail(f"{out} exists; choose another --out or pass --force to overwrite it")
    if out.is_dir():
        fail(f"{out} is a folder; --out names the file to write")


def _notes(notes) -> None:
    for note in notes:
        console.print(f"[dim]note:[/] {note}", highlight=False, soft_wrap=True)


def _positions(value: str, *, auto: bool) -> str | None:
    from qualmine.outputs.refi.positions import EXPORT_RULES

    if auto and value == "auto":
        return None
    if value not in EXPORT_RULES:
        choices = (["auto"] if auto else []) + list(EXPORT_RULES)
        fail(f"--positions must be one of {', '.join(choices)}; got {value!r}")
    return EXPORT_RULES[value]


def _coders(values: list[str] | None) -> tuple[str | None, dict[str, str]]:
    """`--coder NAME` (codings without a user, or a single-user file) and `--coder 'USER=NAME'` (renames)."""
    default, mapping = None, {}
    for value in values or []:
        user, sep, name = value.partition("=")
        if sep:
            if not user.strip() or not name.strip():
                fail(f"--coder {value!r}: a mapping is 'REFI user=coder name', both non-empty")
            mapping[user.strip()] = name.strip()
        elif not value.strip():
            fail("--coder must be a non-empty name")
        elif default is not None:
            fail(f"--coder given two plain names ({default!r}, {value!r}); map users with 'USER=NAME' instead")
        else:
            default = value.strip()
    return default, mapping


def _labels(value: str) -> str | None:
    if value not in ("auto", "zh", "en"):
        fail(f"--labels must be one of auto, zh, en; got {value!r}")
    return None if value == "auto" else value


def _names(value: str) -> str:
    if value not in ("both", "zh", "en"):
        fail(f"--names must be one of both, zh, en; got {value!r}")
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
        fail(str(exc))
    console.print(f"{len(book.codes)} codes written to [bold]{path}[/]", highlight=False)


@export_app.command("qdpx")
def export_qdpx_cmd(
    run: Path = typer.Option(..., "--run", help="Run folder written by `qualmine run` (or `qualmine import qdpx`)."),
    out: Path = typer.Option(..., "--out", help="The .qdpx file to write."),
    codebook: Optional[Path] = typer.Option(None, "--codebook", help="Codebook YAML (default: the run's own)."),
    store: Optional[str] = typer.Option(None, "--store", metavar="[PATH]",
                                        help="Also export review decisions. " + STORE_HELP),
    store_url: Optional[str] = typer.Option(None, "--store-url", help=STORE_URL_HELP, hidden=True),
    names: str = typer.Option("both", "--names", help=NAMES_HELP),
    name: Optional[str] = typer.Option(None, "--name", help="Project name shown in the QDA tool (default: run folder name)."),
    positions: str = typer.Option("standard", "--positions",
                                  help="How selection positions count: 'standard' (characters, as REFI-QDA says) or "
                                       "'nvivo' (UTF-16 units, for importing into NVivo for Windows)."),
    force: bool = typer.Option(False, "--force", help="Overwrite --out if it exists."),
) -> None:
    """Write the run as a REFI-QDA project (.qdpx): sources, coded selections, codes, users, cases."""
    from qualmine.coding.codebook import CodebookError
    from qualmine.outputs.refi.common import RefiError
    from qualmine.outputs.refi.project_export import export_qdpx

    if not run.is_dir():
        fail(f"run folder {run} does not exist")
    _refuse_overwrite(out, force)
    decisions = segments = None
    use_store, location = _store_location(store, store_url)
    if use_store:
        from qualmine.outputs.refi.store_bridge import store_review_decisions

        decisions, segments = store_review_decisions(location)
    try:
        result = export_qdpx(run, out, codebook=codebook, decisions=decisions, store_segments=segments,
                             name_lang=_names(names), name=name, positions=_positions(positions, auto=False))
    except (CodebookError, RefiError) as exc:
        fail(str(exc))
    console.print(f"{result.sources} sources, {result.selections} coded selections ({result.codings} codings; users "
                  f"{', '.join(result.users)}), {result.cases} cases written to [bold]{result.path}[/]", highlight=False)
    _notes(result.notes)


@import_app.command("qdc")
def import_qdc(
    file: Path = typer.Argument(..., help="REFI-QDA codebook (.qdc) from NVivo, ATLAS.ti, MAXQDA, QualCoder..."),
    out: Path = typer.Option(..., "--out", help="Codebook YAML file to write."),
    labels: str = typer.Option("auto", "--labels", help=LABELS_HELP),
    force: bool = typer.Option(False, "--force", help="Overwrite --out if it exists."),
) -> None:
    """Convert a .qdc codebook into a qualmine codebook YAML file."""
    from qualmine.coding.codebook import dump_codebook
    from qualmine.outputs.refi.codebook import read_qdc
    from qualmine.outputs.refi.common import RefiError

    _refuse_overwrite(out, force)
    try:
        imported = read_qdc(file, label_lang=_labels(labels))
    except RefiError as exc:
        fail(str(exc))
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
    coder: Optional[list[str]] = typer.Option(
        None, "--coder", help="Each REFI user is a coder under their own name. NAME: the coder of codings without a "
                              "user (or of a single-user file); 'USER=NAME' (repeatable): rename a user."),
    out: Optional[Path] = typer.Option(None, "--out", help="Run folder to write (default qualmine-runs/import-<file stem>)."),
    store: Optional[str] = typer.Option(None, "--store", metavar="[PATH]",
                                        help="Also append the coder's decisions to the store. " + STORE_HELP),
    store_url: Optional[str] = typer.Option(None, "--store-url", help=STORE_URL_HELP, hidden=True),
    max_segment_chars: int = typer.Option(300, "--max-segment-chars", help="Longest segment, as in `qualmine run`."),
    positions: str = typer.Option("auto", "--positions",
                                  help="How the file counts selection positions: 'auto' (from the writing tool, "
                                       "checked against the text), 'standard' (characters) or 'nvivo' (UTF-16 units)."),
    labels: str = typer.Option("auto", "--labels", help=LABELS_HELP),
    force: bool = typer.Option(False, "--force", help="Replace the earlier run in --out (its files are deleted)."),
) -> None:
    """Bring a coded project in: a run folder of tables, and (with --store) the coder's decisions."""
    from qualmine.flows.settings import default_runs_dir
    from qualmine.outputs.refi.common import RefiError
    from qualmine.outputs.refi.project_import import read_qdpx, write_imported_run

    default, mapping = _coders(coder)
    use_store, location = _store_location(store, store_url)
    out = out or default_runs_dir() / f"import-{file.stem}"
    from qualmine.outputs.run_folder import RunFolderError, check_run_folder

    try:   # before reading: an earlier run is never replaced without --force
        check_run_folder(out, force=force)
    except RunFolderError as exc:
        fail(str(exc))
    try:
        project = read_qdpx(file, default, coder_map=mapping, max_segment_chars=max_segment_chars,
                            positions=_positions(positions, auto=True), label_lang=_labels(labels))
    except RefiError as exc:
        fail(str(exc))
    if out.is_dir() and force:   # an earlier run (check_run_folder made sure): cleared, never mixed with this one
        import shutil

        shutil.rmtree(out)
    write_imported_run(project, out)
    console.print(f"{len(project.documents)} documents, {len(project.segments)} segments, "
                  f"{len(project.code_applications)} code applications written to [bold]{out}[/]", highlight=False)
    _notes(project.notes)
    for row in project.problems.head(10).itertuples(index=False):
        console.print(f"[yellow]left out:[/] {row.file}:{row.line}: source {row.source!r}, selection {row.selection} "
                      f"({row.start}-{row.end}): {row.why}", highlight=False, soft_wrap=True)
    if len(project.problems) > 10:
        console.print(f"... {len(project.problems) - 10} more in {out}/import_problems", highlight=False)
    if use_store:
        from qualmine.outputs.refi.store_bridge import record_imported_decisions

        from qualmine.coding.store.database import redact_url

        result = record_imported_decisions(project, location)
        console.print(f"store {redact_url(result.url)}: {result.appended} decision(s) of coder(s) "
                      f"{', '.join(result.coders) or '(none)'} appended", highlight=False)
        _notes(result.notes)
