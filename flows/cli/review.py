"""`qualmine review | suggest | agreement | store` commands: parse arguments, call flows/functions.

Interactive commands (`review export`, `review import`, `suggest train|apply`, `store status`,
and `agreement` in flows/cli/agreement.py) call the plain functions directly (no Prefect start-up wait); the scheduled
steps (`review suggest-and-export`, `review import-and-retrain`) run the Prefect flows.
"""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from rich.markup import escape
from rich.table import Table

review_app = typer.Typer(help="Review queues for coders: export, import, scheduled flows.", no_args_is_help=True)
suggest_app = typer.Typer(help="Learned code suggestions trained on coders' decisions.", no_args_is_help=True)
store_app = typer.Typer(help="The project store (decisions, suggestions, codebook versions).", no_args_is_help=True)

from qualmine import SEED
from qualmine.flows.cli.common import console, err_console, fail
STORE_HELP = "Project store: a SQLite file path or a SQLAlchemy URL (default qualmine-runs/qualmine.sqlite, or $QUALMINE_STORE)."
TRUST_HELP = ("Load a model pickled by an older qualmine (a pickle can run code: only a file you made yourself) "
              "and convert it to the pickle-free format.")
ORDER_HELP = ("Queue order: uncertainty (least sure first; needs a trained model, else scores near 0.5 first and "
              "uncoded segments most diverse first), document, code.")
UNCODED_HELP = ("Offer segments with no suggestion as rows without a code, to be coded in add_codes: auto (when "
                "the suggestions leave the queue short), always, never.")


def register(app: typer.Typer) -> None:
    """Add the review loop's command groups to the main `qualmine` app."""
    app.add_typer(review_app, name="review")
    app.add_typer(suggest_app, name="suggest")
    app.add_typer(store_app, name="store")
    from qualmine.flows.cli.agreement import agreement   # its own module: agreement is not the review queue

    app.command("agreement")(agreement)


def _fail_import(file: Path, exc) -> None:
    """List every bad row of a refused import, then exit 1: nothing was imported."""
    for problem in exc.problems:
        console.print(f"{file.name}: {problem}", highlight=False, soft_wrap=True, markup=False)
    fail(f"{len(exc.problems)} problem(s) in {file}; nothing was imported", code=1)


def _load_model(project, path: Optional[Path], trust: bool):
    """The store's trained model (or None); a file qualmine did not write is a clean error, not a traceback."""
    from qualmine.coding.suggest.features import EmbeddingModelMismatch
    from qualmine.coding.suggest.learning import load_trained_model
    from qualmine.coding.suggest.persist import ModelFileError

    try:
        return load_trained_model(project, path, trust_model_file=trust)
    except (ModelFileError, EmbeddingModelMismatch, FileNotFoundError) as exc:
        fail(str(exc))


def _open(store: Optional[str]):
    from qualmine.coding.store.database import ProjectStore, redact_url

    try:
        return ProjectStore(store)
    except Exception as exc:   # a bad URL or an unreachable server: say which store, not a traceback
        fail(f"cannot open the store {redact_url(store) if store else '(default)'}: {exc}")


@review_app.command("export")
def review_export(
    coder: str = typer.Option(..., "--coder", help="The coder the queue is for."),
    out: Path = typer.Option(..., "--out", help="File to write: .xlsx (drop-downs, highlighted evidence) or .csv."),
    store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
    limit: Optional[int] = typer.Option(None, "--limit", help="At most this many rows (a segment's rows stay together)."),
    code: List[str] = typer.Option([], "--code", help="Only suggestions of this code id (repeatable)."),
    order: str = typer.Option("uncertainty", "--order", help=ORDER_HELP),
    double_code: float = typer.Option(0.0, "--double-code", help="Share of segments (0..1) sent to every coder, for agreement."),
    seed: int = typer.Option(SEED, "--seed", help="Seed choosing the double-coded share."),
    force: bool = typer.Option(False, "--force", help="Overwrite --out if it exists."),
    trust_model_file: bool = typer.Option(False, "--trust-model-file", help=TRUST_HELP),
    uncoded: str = typer.Option("auto", "--uncoded", help=UNCODED_HELP),
    preview: bool = typer.Option(False, "--preview", help="List the queue without claiming it: nothing is recorded, "
                                 "the segments stay free for every coder, and the file cannot be imported."),
) -> None:
    """Write a review queue for one coder."""
    from qualmine.coding.review.export import StoreEmptyError, export_review_queue
    from qualmine.coding.suggest.learning import segment_uncertainty
    from qualmine.coding.review.queue import QueueOptions

    if out.exists() and not force:
        fail(f"{out} exists (a coder may still be working in it); choose another --out or pass --force")
    try:
        options = QueueOptions(coder=coder, order=order, limit=limit, codes=tuple(code), double_code=double_code,
                               seed=seed, uncoded=uncoded)
    except ValueError as exc:
        fail(str(exc))
    with _open(store) as project:
        unknown = sorted(set(code) - set(project.codes()["code_id"]))
        if unknown:
            fail(f"--code: {', '.join(unknown)} not in the store's current codebook")
        uncertainty = None
        if order == "uncertainty":
            loaded = _load_model(project, None, trust_model_file)
            if loaded is None:
                err_console.print("[dim]note:[/] no trained model yet: ordering by rule scores nearest 0.5 "
                                  "(uncoded segments: most diverse first)")
            else:
                uncertainty = segment_uncertainty(project, loaded[0])
        try:
            result = export_review_queue(project, options, out, uncertainty=uncertainty, claim=not preview)
        except (StoreEmptyError, ValueError) as exc:
            fail(str(exc))
    uncoded_note = f", {result.uncoded_segments} uncoded: type their codes into add_codes" if result.uncoded_segments else ""
    console.print(f"{result.rows} row(s) on {result.segments} segment(s) for {coder} "
                  f"({result.double_coded_segments} double-coded{uncoded_note}) -> [bold]{result.path}[/]",
                  highlight=False)
    if preview:
        console.print("preview: nothing was recorded and no segment was claimed; this file cannot be imported "
                      "(export without --preview to review)", highlight=False)
    elif result.rows == 0:
        console.print("nothing to review for this coder (every segment is decided or taken by another coder)",
                      highlight=False)


@review_app.command("import")
def review_import(
    file: Path = typer.Argument(..., help="A review file (.xlsx or .csv) filled in by the coder."),
    coder: str = typer.Option(..., "--coder", help="The coder who filled it in."),
    store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
) -> None:
    """Validate the whole file, then record its decisions (all or nothing)."""
    from qualmine.coding.review.importing import ReviewImportError, import_review_file

    if not file.is_file():
        fail(f"{file} does not exist")
    with _open(store) as project:
        try:
            result = import_review_file(project, file, coder)
        except ReviewImportError as exc:
            _fail_import(file, exc)
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False)
    if result.already_imported:
        console.print(f"{file.name} was already imported for {coder}: nothing changed", highlight=False)
    else:
        console.print(f"{file.name}: {result.rows} row(s), {result.decisions} decision(s), "
                      f"{result.appended} new for {coder}", highlight=False)


@review_app.command("suggest-and-export")
def review_suggest_and_export(
    coder: List[str] = typer.Option(..., "--coder", help="Coder to export for (repeatable)."),
    out_dir: Path = typer.Option(..., "--out-dir", help="Folder for the files (review-<coder>-<time>.xlsx)."),
    store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
    file_format: str = typer.Option("xlsx", "--format", help="xlsx or csv."),
    limit: Optional[int] = typer.Option(None, "--limit"),
    code: List[str] = typer.Option([], "--code"),
    order: str = typer.Option("uncertainty", "--order", help=ORDER_HELP),
    double_code: float = typer.Option(0.0, "--double-code"),
    seed: int = typer.Option(SEED, "--seed"),
    uncoded: str = typer.Option("auto", "--uncoded", help=UNCODED_HELP),
) -> None:
    """Prefect flow: refresh model suggestions, then export one queue per coder."""
    if file_format not in ("xlsx", "csv"):
        fail(f"--format must be xlsx or csv, got {file_format!r}")
    from qualmine.flows.cli.common import boot_prefect, wait_for_prefect

    boot = boot_prefect()
    from qualmine.coding.store.database import resolve_store_url
    from qualmine.flows.review import run_flow, suggest_and_export

    wait_for_prefect(boot)
    results = run_flow(suggest_and_export, store=resolve_store_url(store), coders=list(coder), out_dir=str(out_dir),
                       file_format=file_format, order=order, limit=limit, codes=list(code),
                       double_code=double_code, seed=seed, uncoded=uncoded)
    for result in results:
        console.print(f"{result.coder}: {result.rows} row(s) -> {result.path}", highlight=False)


@review_app.command("import-and-retrain")
def review_import_and_retrain(
    files: List[Path] = typer.Argument(..., help="Filled-in review files."),
    coder: List[str] = typer.Option(..., "--coder", help="Coder of each file, in order (or one for all)."),
    store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
    retrain: bool = typer.Option(True, "--retrain/--no-retrain"),
    cv: int = typer.Option(5, "--cv", help="Cross-validation folds when retraining."),
) -> None:
    """Prefect flow: import files (all validated first), retrain the model, re-suggest."""
    coders = list(coder) * len(files) if len(coder) == 1 else list(coder)
    if len(coders) != len(files):
        fail(f"give one --coder for all files or one per file ({len(files)} file(s), {len(coder)} --coder)")
    from qualmine.flows.cli.common import boot_prefect, wait_for_prefect

    boot = boot_prefect()
    from qualmine.coding.review.importing import ReviewImportError
    from qualmine.coding.store.database import resolve_store_url
    from qualmine.flows.review import import_and_retrain, run_flow

    wait_for_prefect(boot)
    try:
        result = run_flow(import_and_retrain, store=resolve_store_url(store), files=[str(f) for f in files],
                          coders=coders, retrain=retrain, cv=cv)
    except ReviewImportError as exc:
        _fail_import(Path(exc.file), exc)
    for item in result.imports:
        console.print(f"{Path(item.file).name}: {item.appended} new decision(s) for {item.coder}", highlight=False)
    if result.trained:
        _print_scores(result.trained.cross_validation)
        _print_untrained(result.trained.untrained)
    if result.applied:
        console.print(f"model suggestions: {result.applied.suggestions} on {result.applied.segments} unreviewed segment(s)")
    for note in result.notes:
        console.print(f"[dim]note:[/] {escape(note)}", highlight=False)


@suggest_app.command("train")
def suggest_train(
    store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
    model: Optional[Path] = typer.Option(None, "--model", help="Where to save the model (default next to the store)."),
    cv: int = typer.Option(5, "--cv", help="Cross-validation folds."),
    seed: int = typer.Option(0, "--seed"),
    codebook_examples: bool = typer.Option(True, "--codebook-examples/--no-codebook-examples",
                                           help="Also learn from the codebook's labels and examples (each an item "
                                                "carrying its code); scores are over reviewed segments only."),
) -> None:
    """Train the suggestion model on coders' decisions; print cross-validated scores per code."""
    from qualmine.coding.suggest.learning import NotEnoughDecisions, train_model

    with _open(store) as project:
        try:
            result = train_model(project, path=model, cv=cv, random_state=seed, codebook_examples=codebook_examples)
        except NotEnoughDecisions as exc:
            fail(str(exc), code=1)
    _print_scores(result.cross_validation)
    _print_untrained(result.untrained)
    for note in result.notes:
        console.print(f"[dim]note:[/] {escape(note)}", highlight=False)
    console.print(f"trained on {result.segments} reviewed segment(s), {len(result.codes)} code(s) -> "
                  f"[bold]{result.path}[/]", highlight=False)


@suggest_app.command("evaluate")
def suggest_evaluate(
    store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
    coder: List[str] = typer.Option([], "--coder", help="Evaluate on this coder's decisions (repeatable; "
                                    "default: every human coder)."),
    cv: int = typer.Option(5, "--cv", help="k-fold cross-validation with this many folds (the default method)."),
    holdout: Optional[float] = typer.Option(None, "--holdout", help="Instead of k-fold: hold this share (0..1) of "
                                            "the reviewed segments out, train on the rest."),
    seed: int = typer.Option(0, "--seed"),
    curve: str = typer.Option("50,100,200,500", "--curve", help="Reviewed counts for the learning curve, comma-separated "
                              "(every training segment is always the last point; '' for that point only)."),
    out: Optional[Path] = typer.Option(None, "--out", help="Folder for the tables (default: evaluation/ next to the store)."),
) -> None:
    """Measure the suggester on coders' decisions: per-code scores, untrained codes, learning curve."""
    from qualmine.coding.store.database import store_folder
    from qualmine.coding.suggest.evaluation import evaluate_suggester
    from qualmine.coding.suggest.learning import MIN_TRAINING_SEGMENTS, reviewed_training_set, training_embedder
    from qualmine.coding.suggest.model import CodeSuggester
    from qualmine.outputs import write_table

    try:
        sizes = sorted({int(v) for v in curve.replace(" ", "").split(",") if v})
    except ValueError:
        fail(f"--curve must be whole numbers separated by commas, like 50,100,200; got {curve!r}")
    if any(v < 1 for v in sizes):
        fail(f"--curve: reviewed counts must be >= 1; got {curve!r}")
    with _open(store) as project:
        humans = set(project.decisions()["coder"])
        unknown = sorted(set(coder) - humans)
        if unknown:
            fail(f"--coder: no decisions by {', '.join(unknown)} in the store", code=1)
        training = reviewed_training_set(project, coders=list(coder) or None)
        folder = out or store_folder(project.url) / "evaluation"
        if len(training) < MIN_TRAINING_SEGMENTS:
            fail(f"only {len(training)} reviewed segment(s); at least {MIN_TRAINING_SEGMENTS} are needed to "
                 "evaluate", code=1)
        # the model as `suggest train` would fit it: with the sentence embeddings when they are on
        embedder, feature_note = training_embedder(project)
        try:
            result = evaluate_suggester(training, method="holdout" if holdout is not None else "kfold",
                                        folds=min(cv, len(training)), test_size=holdout or 0.2, curve=sizes,
                                        random_state=seed, estimator=CodeSuggester(random_state=seed,
                                                                                   embedder=embedder))
        except ValueError as exc:
            fail(str(exc))
    console.print(f"[dim]note:[/] {escape(feature_note)}", highlight=False)
    settings = _evaluation_settings(result, folds=min(cv, len(training)), test_size=holdout, coders=coder, seed=seed)
    written = (write_table(result.scores, folder, "evaluation_scores")
               + write_table(result.untrained, folder, "evaluation_untrained")
               + write_table(result.curve, folder, "learning_curve")
               + write_table(settings, folder, "evaluation_settings"))
    title = f"{'held-out' if result.method == 'holdout' else f'{cv}-fold'} scores on {result.segments} reviewed segment(s)"
    _print_scores(result.scores, title)
    _print_untrained(result.untrained)
    curve = Table(title="learning curve (by reviewed segments)")
    for column in result.curve.columns:
        curve.add_column(column.replace("_", " "))
    for row in result.curve.itertuples(index=False):
        curve.add_row(*[f"{v:.3f}" if isinstance(v, float) else str(v) for v in row])
    console.print(curve)
    console.print(f"tables written to [bold]{written[0].parent}[/]", highlight=False)


def _evaluation_settings(result, *, folds: int, test_size: Optional[float], coders: List[str], seed: int):
    """How `suggest evaluate` measured (one row; the report says which evaluation it shows)."""
    import pandas as pd

    from qualmine.coding.store.database import utcnow

    return pd.DataFrame([{"method": result.method, "folds": folds if result.method == "kfold" else None,
                          "test_size": test_size if result.method == "holdout" else None,
                          "segments": result.segments, "coders": ", ".join(coders),
                          "evaluated_at": utcnow().isoformat(timespec="seconds"), "seed": seed}])


@suggest_app.command("apply")
def suggest_apply(
    store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
    model: Optional[Path] = typer.Option(None, "--model", help="Model file (default next to the store)."),
    threshold: Optional[float] = typer.Option(None, "--threshold", help="Store codes with probability >= this "
                                              "(default: the threshold tuned when the model was trained)."),
    trust_model_file: bool = typer.Option(False, "--trust-model-file", help=TRUST_HELP),
    run: Optional[Path] = typer.Option(None, "--run", help="Run folder for the model_suggestions table (default: "
                                       "the latest run recorded in the store, else model-suggestions/ next to it)."),
) -> None:
    """Add model suggestions (with scores) to segments no coder has reviewed yet, and write them as a table.

    Nothing is claimed for any coder: the suggestions join every coder's queue as usual.
    """
    from qualmine.coding.store.database import store_folder
    from qualmine.coding.suggest.learning import (
        apply_model, latest_run_folder, model_suggestions_table,
    )
    from qualmine.outputs import write_table

    with _open(store) as project:
        loaded = _load_model(project, model, trust_model_file)
        if loaded is None:
            fail("no trained model: run `qualmine suggest train` first", code=1)
        try:
            run_id, scored, stored = apply_model(project, loaded[0], threshold=threshold)
        except ValueError as exc:
            fail(str(exc))
        table = model_suggestions_table(project, run_id, loaded[1])
        folder = run or latest_run_folder(project) or store_folder(project.url) / "model-suggestions"
    written = write_table(table, folder, "model_suggestions")
    console.print(f"{stored} model suggestion(s) on {scored} unreviewed segment(s) (run {run_id}) -> "
                  f"[bold]{written[0]}[/]", highlight=False)


@store_app.command("status")
def store_status(store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP)) -> None:
    """Counts, codebook versions, coders and decisions on codes the codebook no longer has."""
    from qualmine.coding.store.database import redact_url

    with _open(store) as project:
        status = project.status()
    console.print(f"store {redact_url(status.url)} (id {status.store_id})", highlight=False)
    counts = Table(show_header=False, title="counts")
    for key, value in status.counts.items():
        counts.add_row(key, str(value))
    console.print(counts)
    versions = Table(title="codebook versions")
    for column in ("version_id", "name", "version", "fingerprint", "codes", "recorded_at", "current"):
        versions.add_column(column)
    for row in status.codebook_versions.itertuples(index=False):
        versions.add_row(str(row.version_id), row.name, row.version, row.fingerprint, str(row.codes),
                         str(row.recorded_at)[:19], "yes" if row.current else "")
    console.print(versions)
    if len(status.coders):
        coders = Table(title="coders (current decisions)")
        for column in status.coders.columns:
            coders.add_column(column)
        for row in status.coders.itertuples(index=False):
            coders.add_row(*[str(v)[:19] for v in row])
        console.print(coders)
    if len(status.orphaned):
        console.print(f"[yellow]{len(status.orphaned)} decision(s) on codes no longer in the codebook[/] "
                      f"(kept): {', '.join(sorted(set(status.orphaned['code_id'])))}", highlight=False)
    else:
        console.print("orphaned decisions: none")


def _print_untrained(untrained) -> None:
    """Name every code the model does not learn on its own, why, and what predicts it instead."""
    if untrained is None or not len(untrained):
        return
    console.print(f"{len(untrained)} code(s) not learned on their own (left out of micro / macro):", highlight=False)
    for row in untrained.itertuples(index=False):
        console.print(f"  {row.code_id}: {row.reason}; predicted by {row.rule}", highlight=False, soft_wrap=True,
                      markup=False)


def _print_scores(scores, title: str = "cross-validated scores (codes learned on their own)") -> None:
    table = Table(title=title)
    for column in scores.columns:
        table.add_column(str(column))
    for row in scores.itertuples(index=False):
        table.add_row(*[f"{v:.3f}" if isinstance(v, float) else str(v) for v in row])
    console.print(table)
