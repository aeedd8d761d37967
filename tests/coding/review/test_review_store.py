"""The project store: re-running keeps decisions, codebook versions, orphaned decisions, SQLite setup."""
from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import text

from qualmine.coding.codebook import dump_codebook, parse_codebook
from qualmine.coding.review.importing import import_review_file
from qualmine.coding.store.database import ProjectStore, latest_decisions, model_path, resolve_store_url
from qualmine.coding.store.sync import sync_run
from review_helpers import export, fill_xlsx


def _decide(store, tmp_path, edits, coder="alice", **options):
    path = tmp_path / f"{coder}-{len(store.exports())}.xlsx"
    export(store, coder, path, **{"limit": 10, "order": "document", **options})
    fill_xlsx(path, edits)
    return import_review_file(store, path, coder)


def test_rerun_updates_suggestions_and_keeps_decisions(store, tmp_path, example_run):
    codebook, documents, segments, applications = example_run
    _decide(store, tmp_path, {2: {"decision": "accept"}, 3: {"decision": "reject"}})
    trail = store.decisions()
    # The second run: same corpus, one rule suggestion fewer, another with a new score.
    changed = applications.iloc[1:].copy()
    changed.loc[changed.index[0], "score"] = 0.123
    report = sync_run(store, run_id="run-2", codebook=codebook, documents=documents, segments=segments,
                      applications=changed)
    assert (report.new_segments, report.updated_segments, report.missing_segments) == (0, len(segments), 0)
    assert not report.codebook_changed and report.orphaned.empty
    stored = store.suggestions()
    # The suggestion run-2 dropped was decided (the export's first items), so it stays as the record
    # of what the coder saw; every other row is run-2's.
    dropped = applications.iloc[0]
    decided = set(zip(trail["segment_id"], trail["code_id"]))
    assert (dropped["segment_id"], dropped["code_id"]) in decided
    kept = stored[stored["run_id"] == "run-1"]
    assert list(zip(kept["segment_id"], kept["code_id"], kept["source"])) == [
        (dropped["segment_id"], dropped["code_id"], dropped["source"])]
    assert len(stored) == len(changed) + 1 and set(stored["run_id"]) == {"run-1", "run-2"}
    assert stored.loc[stored["segment_id"] == changed.iloc[0]["segment_id"], "score"].min() == pytest.approx(0.123)
    assert store.decisions().equals(trail)
    assert set(store.segments()["last_run_id"]) == {"run-2"} and set(store.segments()["first_run_id"]) == {"run-1"}


def test_a_run_without_a_source_removes_that_sources_stale_rows_but_not_decided_ones(store, tmp_path, example_run):
    """A `--no-semantic` run after a semantic one: the semantic rows nobody decided go, decided ones stay."""
    codebook, documents, segments, applications = example_run
    rules = applications.iloc[:40]
    semantic = rules.assign(source="semantic", score=0.5).iloc[:6]
    sync_run(store, run_id="run-sem", codebook=codebook, documents=documents, segments=segments,
             applications=pd.concat([rules, semantic], ignore_index=True))
    assert (store.suggestions()["source"] == "semantic").sum() == 6
    _decide(store, tmp_path, {2: {"decision": "reject"}}, limit=1)   # sheet row 2 = the first item
    decided = set(zip(store.decisions()["segment_id"], store.decisions()["code_id"]))
    sem_pairs = set(zip(semantic["segment_id"], semantic["code_id"]))
    assert decided & sem_pairs, "the first exported item should be one of the semantic pairs"
    sync_run(store, run_id="run-rules", codebook=codebook, documents=documents, segments=segments,
             applications=rules)
    stored = store.suggestions()
    left = stored[stored["source"] == "semantic"]
    assert set(zip(left["segment_id"], left["code_id"])) == decided & sem_pairs
    assert set(left["run_id"]) == {"run-sem"}
    # the rule rows are the new run's, one per rule application
    assert len(stored[stored["source"] == "rule"]) == len(rules) and set(stored.loc[stored["source"] == "rule", "run_id"]) == {"run-rules"}
    assert len(store.decisions()) == 1


def test_segments_missing_from_a_run_are_kept_with_their_decisions(store, tmp_path, example_run):
    codebook, documents, segments, applications = example_run
    _decide(store, tmp_path, {2: {"decision": "accept"}})
    decided = store.decisions()["segment_id"].item()
    fewer = segments[segments["segment_id"] != decided]
    report = sync_run(store, run_id="run-2", codebook=codebook, documents=documents, segments=fewer,
                      applications=applications[applications["segment_id"] != decided])
    assert report.missing_segments == 1
    assert decided in set(store.segments()["segment_id"]) and len(store.decisions()) == 1
    assert any("not in this run" in note for note in report.notes())


def test_a_run_of_another_corpus_warns_that_the_store_mixes_projects(store, example_run):
    codebook, documents, segments, applications = example_run
    first = sync_run(store, run_id="study-a", codebook=codebook, documents=documents, segments=segments,
                     applications=applications, corpus_dir="/data/study-a")
    assert first.other_corpora == ()
    again = sync_run(store, run_id="study-a-2", codebook=codebook, documents=documents, segments=segments.iloc[1:],
                     applications=applications, corpus_dir="/data/study-a")
    assert again.other_corpora == () and any("not in this run" in n for n in again.notes())
    other = segments.iloc[:2].assign(segment_id=["seg_b1", "seg_b2"])
    report = sync_run(store, run_id="study-b", codebook=codebook, documents=documents, segments=other,
                      applications=applications.iloc[0:0], corpus_dir="/data/study-b")
    assert report.other_corpora == ("/data/study-a",) and report.missing_segments == len(segments)
    (note,) = [n for n in report.notes() if "another corpus" in n]
    assert f"{len(segments)} segment(s) of another corpus (/data/study-a)" in note and "--store PATH" in note


def test_changed_codebook_is_recorded_and_orphaned_decisions_reported(store, tmp_path, example_run):
    codebook, documents, segments, applications = example_run
    _decide(store, tmp_path, {2: {"decision": "accept"}, 3: {"add_codes": "R-GUARANTEE"}})
    gone = store.decisions()["code_id"].iloc[0]
    # The new codebook drops the accepted code (and every link to it).
    data = parse_codebook(dump_codebook(codebook)).model_dump(mode="json")
    data["codes"] = [c for c in data["codes"] if c["id"] != gone and c.get("parent") != gone]
    for c in data["codes"]:
        c["causes"] = [x for x in c.get("causes", []) if x != gone]
        c["recommendations"] = [x for x in c.get("recommendations", []) if x != gone]
    import yaml
    smaller = parse_codebook(yaml.safe_dump(data, allow_unicode=True))
    report = sync_run(store, run_id="run-2", codebook=smaller, documents=documents, segments=segments,
                      applications=applications[applications["code_id"].isin(smaller.ids)])
    assert report.codebook_changed and report.codebook_version_id == 2
    assert list(report.orphaned["code_id"]) == [gone]
    assert any(gone in note and "no longer in the codebook" in note for note in report.notes())
    status = store.status()
    assert list(status.codebook_versions["current"]) == [False, True]
    assert list(status.orphaned["code_id"]) == [gone] and status.counts["decisions"] == 2
    # Going back to the first codebook reuses its version instead of recording a third.
    back = sync_run(store, run_id="run-3", codebook=codebook, documents=documents, segments=segments,
                    applications=applications)
    assert (back.codebook_changed, back.codebook_version_id, len(back.orphaned)) == (False, 1, 0)


def test_latest_decision_wins_per_coder_segment_code():
    t = pd.Timestamp("2024-01-01", tz="UTC")
    decisions = pd.DataFrame({
        "decision_id": [1, 2, 3, 4], "segment_id": ["s1", "s1", "s1", "s2"], "code_id": ["A", "A", "A", "A"],
        "coder": ["ann", "bob", "ann", "ann"], "decision": ["accept", "reject", "reject", "add"],
        "decided_at": [t, t, t, t - pd.Timedelta("1D")]})
    latest = latest_decisions(decisions).sort_values("decision_id")
    assert list(latest["decision_id"]) == [2, 3, 4]


def test_store_identity_is_stable_and_sqlite_is_set_up_for_concurrent_coders(tmp_path):
    path = tmp_path / "nested" / "project.sqlite"
    first = ProjectStore(path)
    second = ProjectStore(str(path))
    assert first.store_id == second.store_id and len(first.store_id) == 32
    assert ProjectStore(tmp_path / "other.sqlite").store_id != first.store_id
    with first.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 60000
    assert model_path(first.url) == path.parent / "project.suggester.npz"
    first.close(), second.close()


def test_store_locations(tmp_path, monkeypatch):
    assert resolve_store_url(tmp_path / "a.sqlite") == f"sqlite:///{tmp_path / 'a.sqlite'}"
    assert resolve_store_url("postgresql+psycopg://u:p@db/qualmine") == "postgresql+psycopg://u:p@db/qualmine"
    monkeypatch.setenv("QUALMINE_STORE", str(tmp_path / "env.sqlite"))
    assert resolve_store_url(None) == f"sqlite:///{tmp_path / 'env.sqlite'}"


def test_schema_is_portable_to_postgresql():
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.schema import CreateTable

    from qualmine.coding.store import schema as store_schema

    for table in store_schema.metadata.sorted_tables:   # compiles with the PostgreSQL dialect
        assert "CREATE TABLE" in str(CreateTable(table).compile(dialect=postgresql.dialect()))
