"""CodeSuggester: fit / predict on planted multi-label data, cross-validation, persistence."""
from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from qualmine.coding.suggest.model import CodeSuggester, cross_validate, load_model, metadata_path, save_model


def _as_sets(frame: pd.DataFrame) -> list[set[str]]:
    return [set(frame.columns[row]) for row in frame.to_numpy()]


def test_learns_planted_english_codes(en_planted):
    (texts, labels), (test_texts, test_labels) = en_planted
    model = CodeSuggester().fit(texts, labels, ["en"] * len(texts))
    assert model.classes_ == ["parking", "staff", "wait"]
    proba = model.predict_proba(test_texts, ["en"] * len(test_texts))
    assert list(proba.columns) == model.classes_ and len(proba) == len(test_texts)
    assert ((proba >= 0) & (proba <= 1)).all().all()
    predicted = _as_sets(model.predict(test_texts, ["en"] * len(test_texts)))
    exact = np.mean([p == t for p, t in zip(predicted, test_labels)])
    assert exact >= 0.9, list(zip(test_texts, predicted, test_labels))
    # calibrated: a text with a code's give-away phrase scores far above one without
    assert proba.loc[[i for i, t in enumerate(test_labels) if "wait" in t], "wait"].min() > \
        proba.loc[[i for i, t in enumerate(test_labels) if "wait" not in t], "wait"].max()


def test_learns_planted_chinese_codes_with_detected_language(zh_planted):
    (texts, labels), (test_texts, test_labels) = zh_planted
    model = CodeSuggester().fit(texts, labels)          # langs detected: all Chinese
    predicted = _as_sets(model.predict(test_texts))
    assert np.mean([p == t for p, t in zip(predicted, test_labels)]) >= 0.9


def test_predict_proba_keeps_a_series_index(en_planted):
    (texts, labels), (test_texts, _) = en_planted
    model = CodeSuggester().fit(texts, labels)
    series = pd.Series(test_texts[:3], index=["seg_a", "seg_b", "seg_c"])
    assert list(model.predict_proba(series).index) == ["seg_a", "seg_b", "seg_c"]


def test_uncertainty_ranks_ambiguous_text_first(en_planted):
    (texts, labels), _ = en_planted
    model = CodeSuggester().fit(texts, labels)
    clear = "no parking spaces today"
    unclear = "the clinic was fine overall"
    u = model.uncertainty([clear, unclear], ["en", "en"])
    assert u.shape == (2,) and ((u >= 0) & (u <= 1)).all()
    assert u[1] > u[0]


def test_rare_codes_are_skipped_and_nothing_learnable_raises(en_planted):
    (texts, labels), _ = en_planted
    labels = [set(s) for s in labels]
    labels[0] = labels[0] | {"rare"}
    labels[1] = labels[1] | {"rare"}
    model = CodeSuggester(min_positives=3, rare_codes="prior").fit(texts, labels)
    assert "rare" not in model.classes_ and "rare" in model.skipped_codes_
    assert "2 positive" in model.skipped_codes_["rare"]
    assert model.prior_["rare"] == pytest.approx(3 / (len(texts) + 2))       # smoothed prior, every segment
    assert model.fallback_["rare"]["rule"].startswith("prior") and "too few positives" in model.fallback_["rare"]["rule"]
    assert (model.predict_proba(texts[:3])["rare"] == model.prior_["rare"]).all()
    # Default: a rare code gets an SVM column with the calibration pooled over the learned codes.
    shared = CodeSuggester(min_positives=3).fit(texts, labels)
    assert shared.rare_codes_ == ["rare"] and shared.classes_[-1] == "rare" and "rare" in shared.skipped_codes_
    assert shared.fallback_["rare"]["rule"].startswith("rare: linear SVM")
    j = shared.classes_.index("rare")
    assert shared.predict_proba(texts)["rare"].nunique() > 1 and shared.coef_[:, j].any()
    with pytest.raises(ValueError, match="no code has at least 3 positive"):
        CodeSuggester().fit(texts[:5], [{"wait"}, set(), {"wait"}, set(), set()])


def test_parameter_errors_name_the_parameter(en_planted):
    (texts, labels), _ = en_planted
    with pytest.raises(ValueError, match="The 'C' parameter of CodeSuggester must be a float > 0. Got 0 instead."):
        CodeSuggester(C=0).fit(texts, labels)
    with pytest.raises(ValueError, match="one set per text"):
        CodeSuggester().fit(texts, labels[:-1])
    with pytest.raises(ValueError, match="langs must be one of"):
        CodeSuggester().fit(texts, labels, ["fr"] * len(texts))


def test_cross_validate_table(en_planted):
    (texts, labels), _ = en_planted
    table = cross_validate(texts, labels, ["en"] * len(texts), cv=3)
    assert list(table.columns) == ["code_id", "precision", "recall", "f1", "support"]
    assert list(table["code_id"]) == ["parking", "staff", "wait", "micro", "macro"]
    support = {c: sum(c in s for s in labels) for c in ("parking", "staff", "wait")}
    assert dict(zip(table["code_id"][:3], table["support"][:3])) == support
    assert table.set_index("code_id").loc["micro", "f1"] >= 0.9
    assert table[["precision", "recall", "f1"]].apply(lambda s: s.between(0, 1)).all().all()


def test_cross_validate_counts_unlearnable_codes_as_never_suggested(en_planted):
    (texts, labels), _ = en_planted
    labels = [set(s) for s in labels]
    labels[0] |= {"rare"}
    table = cross_validate(texts, labels, cv=3).set_index("code_id")
    assert table.loc["rare", "support"] == 1 and table.loc["rare", "f1"] == 0.0


def test_save_load_round_trip(tmp_path, en_planted):
    (texts, labels), (test_texts, _) = en_planted
    model = CodeSuggester(random_state=3).fit(texts, labels)
    path = tmp_path / "suggester.npz"
    save_model(model, path, {"codebook_fingerprint": "abc123", "cross_validation": [{"code_id": "micro", "f1": 0.9}]})
    assert path.is_file() and metadata_path(path).is_file()
    assert not list(tmp_path.glob("*.tmp"))
    loaded, metadata = load_model(path)
    pd.testing.assert_frame_equal(loaded.predict_proba(test_texts), model.predict_proba(test_texts))
    assert metadata["codebook_fingerprint"] == "abc123"
    assert metadata["codes"] == ["parking", "staff", "wait"]
    assert metadata["training_segments"] == len(texts)
    assert metadata["params"]["random_state"] == 3 and metadata["params"]["char_ngrams"] == [1, 3]
    assert {"scikit-learn", "numpy", "python"} <= set(metadata["versions"])
    assert metadata["threshold"] == model.threshold_


def test_fitted_model_pickles_after_tokenizing_chinese(zh_planted):
    (texts, labels), _ = zh_planted
    model = CodeSuggester().fit(texts, labels, ["zh"] * len(texts))
    clone = pickle.loads(pickle.dumps(model))
    assert clone.predict(texts[:5]).equals(model.predict(texts[:5]))


def test_load_model_errors_name_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no saved model"):
        load_model(tmp_path / "missing.joblib")
    import joblib

    joblib.dump({"not": "a model"}, tmp_path / "other.joblib")
    metadata_path(tmp_path / "other.joblib").write_text("{}", encoding="utf-8")
    with pytest.raises(ValueError, match="other.joblib: a pickled model"):   # never unpickled (issue #17)
        load_model(tmp_path / "other.joblib")


def test_expected_f1_threshold_matches_a_hand_computation():
    from qualmine.coding.suggest.model import _expected_f1_threshold

    # probabilities 0.9, 0.8, 0.2, 0.1 (sum 2.0): expected F1 = 2 * sum(p >= t) / (#(p >= t) + 2.0)
    # t in (0.8, 0.9]: 1.8 / 3 = 0.60; t in (0.2, 0.8]: 3.4 / 4 = 0.85; t in (0.1, 0.2]: 3.8 / 5 = 0.76
    proba = np.array([[0.9, 0.2], [0.8, 0.1]])
    assert _expected_f1_threshold(proba) == 0.21      # lowest grid point of the best interval


def test_fit_threshold_retunes_on_unlabelled_texts_and_keeps_the_reviewed_one(en_planted):
    from qualmine.coding.suggest.model import _expected_f1_threshold

    (texts, labels), (test_texts, _) = en_planted
    langs = ["en"] * len(test_texts)
    model = CodeSuggester().fit(texts, labels, ["en"] * len(texts))
    reviewed = model.threshold_
    assert model.threshold_reviewed_ == reviewed
    assert model.fit_threshold(test_texts, langs) is model
    expected = _expected_f1_threshold(model.predict_proba(test_texts, langs).to_numpy())
    assert model.threshold_ == expected and model.threshold_reviewed_ == reviewed
    assert model.predict(test_texts, langs).equals(model.predict_proba(test_texts, langs) >= expected)
    # another pool (half clear 'wait' answers): the threshold follows that pool's probabilities
    pool = ["the wait was far too long"] * 5 + ["nothing to say"] * 5
    model.fit_threshold(pool, ["en"] * len(pool))
    assert model.threshold_ == _expected_f1_threshold(model.predict_proba(pool, ["en"] * 10).to_numpy())
    # refitting resets both; an empty pool or a fixed `threshold` parameter keeps threshold_
    model.fit(texts, labels, ["en"] * len(texts))
    assert model.threshold_ == model.threshold_reviewed_ == reviewed
    assert model.fit_threshold([], []).threshold_ == reviewed
    fixed = CodeSuggester(threshold=0.4).fit(texts, labels).fit_threshold(test_texts, langs)
    assert fixed.threshold_ == 0.4


def test_a_code_on_almost_every_segment_is_predicted_by_its_prior(en_planted):
    (texts, labels), _ = en_planted
    labels = [set(s) | {"everywhere"} for s in labels]
    labels[0] = labels[0] - {"everywhere"}
    model = CodeSuggester(min_positives=3).fit(texts, labels)
    assert "everywhere" not in model.classes_ and "too few negatives" in model.fallback_["everywhere"]["rule"]
    assert "1 negative" in model.fallback_["everywhere"]["reason"]
    assert model.predict(texts[:4])["everywhere"].all()            # the prior is far above the threshold
    assert list(model.predict_proba(texts[:2]).columns[-1:]) == ["everywhere"]
