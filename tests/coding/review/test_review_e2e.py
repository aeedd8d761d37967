"""End to end: pipeline -> store -> queues for two coders -> filled in with openpyxl -> import ->
audit trail -> retrained model's suggestions -> agreement between the two simulated coders."""
from __future__ import annotations

import hashlib
import sqlite3

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from qualmine.coding.store.database import ProjectStore, model_path
from review_helpers import EXAMPLE_CODEBOOK, EXAMPLE_CORPUS, fill_xlsx


def _bucket(segment_id: str, code_id: str) -> int:
    return int(hashlib.sha1(f"{segment_id}|{code_id}".encode()).hexdigest(), 16) % 4


def simulated(coder: str, segment_id: str, code_id: str) -> str:
    """alice rejects a quarter of the rule suggestions, bob half of them (the same quarter and one more)."""
    rejected = {"alice": {0}, "bob": {0, 1}}[coder]
    return "reject" if _bucket(segment_id, code_id) in rejected else "accept"


def _rows(path) -> list[tuple[str, str]]:
    ws = load_workbook(path)["queue"]
    return [(ws.cell(r, 2).value, ws.cell(r, 7).value) for r in range(2, ws.max_row + 1)]


def _fill_as(coder: str, path, add: tuple[int, str] | None = None) -> dict[tuple[str, str], str]:
    """Decide every row as the simulated coder would; `add` = (sheet row, code id to add there)."""
    edits, said = {}, {}
    for row, (segment_id, code_id) in enumerate(_rows(path), start=2):
        if not code_id:
            continue          # an uncoded row (no suggestion): nothing to accept or reject
        said[(segment_id, code_id)] = edits.setdefault(row, {})["decision"] = simulated(coder, segment_id, code_id)
    if add:
        row, code_id = add
        edits[row].update(add_codes=code_id, note="also this")
    fill_xlsx(path, edits)
    return said


@pytest.fixture(scope="module")
def loop(prefect_harness, tmp_path_factory):
    """Run the pipeline and one full review round; returns what the test checks."""
    from qualmine.flows.pipeline import run_pipeline
    from qualmine.flows.review import import_and_retrain, run_flow, suggest_and_export
    from qualmine.flows.settings import RunSettings

    root = tmp_path_factory.mktemp("review-loop")
    store_path = root / "project.sqlite"
    result = run_pipeline(RunSettings(corpus_dir=EXAMPLE_CORPUS, codebook_path=EXAMPLE_CODEBOOK, out_dir=root / "run",
                                      store=str(store_path)))
    files = run_flow(suggest_and_export, store=str(store_path), coders=["alice", "bob"], out_dir=str(root / "queues"),
                     order="document", double_code=0.3, seed=5, uncoded="never")   # suggestion rows only
    alice, bob = files
    # Alice adds a code the rules did not suggest, on a segment Bob reviews too.
    shared = {s for s, _ in _rows(bob.path)}
    rows = _rows(alice.path)
    row = next(i for i, (s, _) in enumerate(rows, start=2) if s in shared)
    segment_id = rows[row - 2][0]
    with ProjectStore(store_path) as store:
        suggested = set(store.suggestions().query("segment_id == @segment_id")["code_id"])
        added_code = next(c for c in store.codes()["code_id"] if c not in suggested)
    said_alice = _fill_as("alice", alice.path, add=(row, added_code))
    said_bob = _fill_as("bob", bob.path)
    retrained = run_flow(import_and_retrain, store=str(store_path), files=[str(alice.path), str(bob.path)],
                         coders=["alice", "bob"], cv=3)
    return dict(root=root, store_path=store_path, run=result, alice=alice, bob=bob, said_alice=said_alice,
                said_bob=said_bob, retrained=retrained, added=(segment_id, added_code))


def test_pipeline_recorded_its_run_in_the_store(loop):
    run_dir = loop["run"].out_dir
    segments = pd.read_parquet(run_dir / "segments.parquet")
    applications = pd.read_parquet(run_dir / "code_applications.parquet")
    with ProjectStore(loop["store_path"]) as store:
        assert set(store.segments()["segment_id"]) == set(segments["segment_id"])
        rules = store.suggestions("rule")
        assert len(rules) == len(applications) and set(rules["run_id"]) == {loop["run"].run_id}
        assert len(store.codebook_versions()) == 1
    assert any(note.startswith("store: run recorded in") for note in loop["run"].notes)


def test_queues_split_work_and_share_the_double_coded_segments(loop):
    alice, bob = loop["alice"], loop["bob"]
    shared = {s for s, _ in loop["said_alice"]} & {s for s, _ in loop["said_bob"]}
    assert alice.rows > bob.rows > 0
    assert len(shared) == bob.segments == bob.double_coded_segments == alice.double_coded_segments


def test_decisions_and_audit_trail(loop, tmp_path):
    from qualmine.coding.review.importing import import_review_file

    said = {**{(s, c, "alice"): d for (s, c), d in loop["said_alice"].items()},
            **{(s, c, "bob"): d for (s, c), d in loop["said_bob"].items()}}
    # Work on a copy: the other tests check the store as the review round left it.
    copy = tmp_path / "copy.sqlite"
    with sqlite3.connect(loop["store_path"]) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    with ProjectStore(copy) as store:
        decisions = store.decisions()
        stored = {(r.segment_id, r.code_id, r.coder): r.decision for r in decisions.itertuples()
                  if r.decision != "add"}
        assert stored == said
        added = decisions[decisions["decision"] == "add"]
        assert list(zip(added["segment_id"], added["code_id"])) == [loop["added"]]
        assert list(added["note"]) == ["also this"]
        assert [i.appended for i in loop["retrained"].imports] == [len(loop["said_alice"]) + 1, len(loop["said_bob"])]
        # Alice changes her mind on her first row: the new decision supersedes, the old one stays.
        changed = tmp_path / "alice-again.xlsx"
        changed.write_bytes(loop["alice"].path.read_bytes())
        ws = load_workbook(changed)["queue"]
        first = (ws["B2"].value, ws["G2"].value)
        flipped = "accept" if loop["said_alice"][first] == "reject" else "reject"
        fill_xlsx(changed, {2: {"decision": flipped}})
        assert import_review_file(store, changed, "alice").appended == 1
        trail = store.decisions(coder="alice")
        history = trail[(trail["segment_id"] == first[0]) & (trail["code_id"] == first[1])]
        assert list(history["decision"]) == [loop["said_alice"][first], flipped]
        latest = store.decisions(latest=True, coder="alice")
        assert latest.loc[(latest["segment_id"] == first[0]) & (latest["code_id"] == first[1]), "decision"].item() == flipped


def test_retrained_model_suggests_on_unreviewed_segments(loop):
    retrained = loop["retrained"]
    assert retrained.trained is not None, retrained.notes
    assert retrained.trained.path == model_path(f"sqlite:///{loop['store_path']}") and retrained.trained.path.exists()
    scores = retrained.trained.cross_validation
    assert {"micro", "macro"} <= set(scores["code_id"]) and scores["f1"].between(0, 1).all()
    with ProjectStore(loop["store_path"]) as store:
        model = store.suggestions("model")
        reviewed = set(store.decisions()["segment_id"])
        assert retrained.applied.suggestions == len(model) > 0
        assert not set(model["segment_id"]) & reviewed
        threshold = retrained.trained.metadata.get("threshold") or load_threshold(store)
        assert model["score"].between(threshold, 1.0).all() and (store.model_scored()["threshold"] == threshold).all()
        assert set(model["code_id"]) <= set(retrained.trained.codes)
        scored = store.model_scored()
        assert len(scored) == retrained.applied.segments and not set(scored["segment_id"]) & reviewed


def test_uncertainty_order_uses_the_trained_model(loop, tmp_path):
    from qualmine.coding.suggest.learning import load_trained_model, segment_uncertainty
    from qualmine.flows.review import export_for_coders

    with ProjectStore(loop["store_path"]) as store:
        model, metadata = load_trained_model(store)
        assert metadata["store_id"] == store.store_id and metadata["segments"] == retrained_segments(store)
        unsure = segment_uncertainty(store, model)
    [result] = export_for_coders(str(loop["store_path"]), ["carol"], tmp_path, order="uncertainty", limit=30)
    ws = load_workbook(result.path)["queue"]
    order = list(dict.fromkeys(ws.cell(r, 2).value for r in range(2, ws.max_row + 1)))
    values = [unsure[s] for s in order]
    assert values == sorted(values, reverse=True) and len(order) > 1


def load_threshold(store) -> float:
    from qualmine.coding.suggest.learning import load_trained_model

    return load_trained_model(store)[0].threshold_


def retrained_segments(store) -> int:
    return store.decisions()["segment_id"].nunique()


def test_agreement_between_two_simulated_coders(loop):
    from qualmine.coding.review.agreement import agreement_tables
    from qualmine.coding.suggest.learning import agreement_decisions
    from sklearn.metrics import cohen_kappa_score

    with ProjectStore(loop["store_path"]) as store:
        decisions = agreement_decisions(store)
    humans = decisions[decisions["coder"].isin(["alice", "bob"])]
    result = agreement_tables(humans)
    overall = result.agreement.set_index("code_id").loc["(overall)"]
    # By hand, from the simulation: both coders decided every shared (segment, code) row; alice's
    # added code on a shared segment counts as bob's implicit rejection.
    shared = sorted(set(loop["said_alice"]) & set(loop["said_bob"]))
    a = [loop["said_alice"][u] == "accept" for u in shared] + [True]
    b = [loop["said_bob"][u] == "accept" for u in shared] + [False]
    assert overall["units"] == len(a)
    assert overall["percent_agreement"] == pytest.approx(sum(x == y for x, y in zip(a, b)) / len(a))
    assert overall["cohen_kappa"] == pytest.approx(cohen_kappa_score(a, b))
    disagreements = result.disagreements
    assert len(disagreements) == sum(x != y for x, y in zip(a, b))
    assert {"alice", "bob"} <= set(disagreements.columns)
    # The machine joins as coders: the rules said "accept" on the rows they suggested and
    # "reject" on the code alice added.
    rules = decisions[decisions["coder"] == "model:rules"].set_index(["segment_id", "code_id"])["decision"]
    assert rules.loc[loop["added"]] == "reject"
    assert (rules.drop(loop["added"]) == "accept").all() and len(rules) == len(set(loop["said_alice"]) | set(loop["said_bob"])) + 1


def test_agreement_between_the_machine_and_each_coder(loop):
    from qualmine.coding.review.agreement import agreement_tables
    from qualmine.coding.suggest.learning import agreement_decisions

    with ProjectStore(loop["store_path"]) as store:
        table = agreement_tables(agreement_decisions(store)).agreement
    rules_alice = table[(table["comparison"] == "model:rules vs alice") & (table["code_id"] == "(overall)")].iloc[0]
    # The rules "accepted" every row they suggested and did not suggest the code alice added.
    said = list(loop["said_alice"].values())
    assert rules_alice["units"] == len(said) + 1
    assert rules_alice["percent_agreement"] == pytest.approx(said.count("accept") / (len(said) + 1))
    assert {"model:rules vs alice", "model:rules vs bob", "coders"} <= set(table["comparison"])


def test_rerun_keeps_decisions_and_adds_model_suggestions(loop):
    """Last in this module: a second pipeline run on the same corpus, now with a trained model."""
    from qualmine.flows.pipeline import run_pipeline
    from qualmine.flows.settings import RunSettings

    with ProjectStore(loop["store_path"]) as store:
        trail = store.decisions()
        segments = store.segments()["segment_id"]
    again = run_pipeline(RunSettings(corpus_dir=EXAMPLE_CORPUS, codebook_path=EXAMPLE_CODEBOOK,
                                     out_dir=loop["root"] / "run-2", store=str(loop["store_path"])))
    assert any(note.startswith("store: run recorded") and "(0 new," in note for note in again.notes)
    assert any("model suggestion(s) on" in note for note in again.notes)
    with ProjectStore(loop["store_path"]) as store:
        assert store.decisions().equals(trail)
        assert set(store.segments()["segment_id"]) == set(segments)
        runs = store._frame(text("SELECT kind, COUNT(*) AS n FROM runs GROUP BY kind"))
        assert dict(zip(runs["kind"], runs["n"])) == {"pipeline": 2, "model": 2}
        assert set(store.suggestions("rule")["run_id"]) == {again.run_id}
