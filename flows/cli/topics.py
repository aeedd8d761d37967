"""`qualmine topics`: fit topic models on a run folder, or ingest + code + topics from a corpus."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from qualmine import SEED
from qualmine.flows.settings import EXAMPLE_CODEBOOK


def topics(
    run: Optional[Path] = typer.Option(None, "--run", help="Existing run folder: fit on its segments and "
                                       "code_applications tables and write the topic tables beside them."),
    corpus: Optional[Path] = typer.Option(None, "--corpus", help="Corpus folder: ingest, rule-code and fit topics "
                                          "(the main flow with topics on); needs --out."),
    out: Optional[Path] = typer.Option(None, "--out", help="Run folder to write (with --corpus)."),
    codebook: Optional[Path] = typer.Option(None, "--codebook", help="Codebook YAML (default: the run's own, or "
                                            "the shipped example with --corpus)."),
    engine: str = typer.Option("nmf", "--engine", help="Topic engine: nmf (scikit-learn, default) or lda (gensim)."),
    k: Optional[int] = typer.Option(None, "--k", help="Number of topics; default: search --k-min..--k-max."),
    k_min: int = typer.Option(3, "--k-min", help="Smallest K of the search."),
    k_max: int = typer.Option(12, "--k-max", help="Largest K of the search."),
    seed: int = typer.Option(SEED, "--seed", help="Random seed: same inputs and seed give the same topics."),
) -> None:
    """Fit topic models (emergent themes) and tie them back to the codebook."""
    from qualmine.flows.cli.common import boot_unless_dask, fail

    if (run is None) == (corpus is None):
        fail("give either --run DIR (an existing run folder) or --corpus DIR --out DIR")
    if run.is_dir() if run is not None else (out is not None and corpus.is_dir()):
        boot_unless_dask()   # Prefect's API server starts (~5 s) while we import and check (flows/runtime/boot.py)
    from qualmine.models.stage import TopicSettings

    try:
        settings = TopicSettings(engine=engine, k=k, k_min=k_min, k_max=k_max, seed=seed)
    except ValueError as exc:
        fail(f"{exc} (check --engine, --k, --k-min, --k-max)")
    if run is not None:
        _topics_on_run(run, codebook, settings)
        return
    if out is None:
        fail("--corpus needs --out DIR: the run folder to write")
    _topics_on_corpus(corpus, out, codebook or EXAMPLE_CODEBOOK, settings)


def _topics_on_run(run_dir: Path, codebook: Optional[Path], settings) -> None:
    from qualmine.coding.codebook import CodebookError
    from qualmine.flows.cli.common import RichReporter, fail, progress_display
    from qualmine.flows.runtime.boot import PrefectBootError, boot_in_background
    from qualmine.flows.progress import reporting
    from qualmine.flows.topics import run_topics_flow
    from qualmine.models.base import TopicModelError

    if not run_dir.is_dir():
        fail(f"run folder {run_dir} does not exist (pass the folder `qualmine run --out` wrote)")
    try:
        boot_in_background().wait()   # the one started in topics(); before the flow, never during it
        with progress_display() as progress, reporting(RichReporter(progress)):
            result = run_topics_flow(run_dir.resolve(), settings, codebook.resolve() if codebook else None)
    except (TopicModelError, CodebookError, PrefectBootError) as exc:
        fail(str(exc))
    _summary(result.run_dir)


def _topics_on_corpus(corpus: Path, out: Path, codebook: Path, settings) -> None:
    from qualmine.coding.codebook import CodebookError, load_codebook
    from qualmine.corpus import CorpusError
    from qualmine.flows.cli.common import err_console, fail, run_with_progress
    from qualmine.flows.settings import RunSettings
    from qualmine.models.base import TopicModelError

    if not corpus.is_dir():
        fail(f"corpus folder {corpus} does not exist (expected a folder of .txt/.md/.docx/.csv/.xlsx files)")
    try:
        book = load_codebook(codebook)
        run_settings = RunSettings(corpus_dir=corpus, codebook_path=codebook, out_dir=out, topics=True,
                                   topic=settings, seed=settings.seed)
    except (CodebookError, ValueError) as exc:
        fail(str(exc))
    err_console.print(f"qualmine topics: run [bold]{run_settings.run_id}[/] on corpus {run_settings.corpus_dir}")
    result = run_with_progress(run_settings, (CorpusError, TopicModelError), book)
    _summary(result.out_dir)


def _summary(out_dir: Path) -> None:
    """Print what the topic stage wrote into `out_dir` (read back from the folder, whichever path made it)."""
    import json

    from qualmine.flows.cli.common import console, fail
    from qualmine.flows.topics import CANDIDATE_FILE
    from qualmine.outputs.writers import read_table

    topics, prevalence = read_table(out_dir, "topics"), read_table(out_dir, "topic_prevalence")
    alignment = read_table(out_dir, "topic_code_alignment")
    manifest_path = out_dir / "run_manifest.json"
    section = json.loads(manifest_path.read_text(encoding="utf-8")).get("topics", {}) if manifest_path.exists() else {}
    if topics is None or prevalence is None or alignment is None:
        fail(f"no topics were written to {out_dir}: {section.get('skipped', 'see the notes above')}", code=1)
    for lang in section.get("languages", []):
        console.print(f"[bold]{lang['lang']}[/] ({lang['engine']}): {lang['explanation']}", highlight=False)
    table = Table(title="topics", show_header=True)
    for col in ("topic", "label", "segments", "best code (share)"):
        table.add_column(col)
    overall = prevalence[prevalence["attribute"].astype(str) == "(all)"].set_index("topic_id")
    best = alignment[alignment["best"].astype(str).str.lower().isin(("true", "1"))].set_index("topic_id")
    for tid, label in topics.drop_duplicates("topic_id")[["topic_id", "label"]].itertuples(index=False):
        seg = str(int(overall.loc[tid, "segments"])) if tid in overall.index else ""
        code = f"{best.loc[tid, 'code_id']} ({float(best.loc[tid, 'share']):.0%})" if tid in best.index else "—"
        table.add_row(str(tid), str(label), seg, code)
    console.print(table)
    candidates = section.get("candidate_codes", [])
    if candidates:
        console.print(f"{len(candidates)} candidate code(s) in {CANDIDATE_FILE}: {', '.join(candidates)}", highlight=False)
    for note in section.get("notes", []):
        console.print(f"[dim]note:[/] {note}", highlight=False)
    console.print(f"topic tables written to [bold]{out_dir}[/] (view: topics.html)", highlight=False)
