"""Held-out / k-fold evaluation of the suggester: trained codes scored, untrained ones listed apart, a curve."""
from __future__ import annotations

import pandas as pd
import pytest

from qualmine.coding.suggest.evaluation import evaluate_suggester


def test_evaluate_suggester_keeps_untrained_codes_out_of_the_averages(en_planted):
    (texts, labels), _ = en_planted
    texts, labels = texts[:60], labels[:60]
    labels = [set(s) for s in labels]
    labels[0] |= {"rare"}
    training = pd.DataFrame({"segment_id": [f"s{i}" for i in range(60)], "text": texts, "lang": "en",
                             "codes": [frozenset(s) for s in labels]})
    result = evaluate_suggester(training, folds=3, curve=(20,))
    assert list(result.scores["code_id"]) == ["parking", "staff", "wait", "micro", "macro"]
    assert result.untrained.set_index("code_id").loc["rare", "positives"] == 1
    assert result.scores.set_index("code_id").loc["micro", "f1"] > 0.8          # planted give-away words
    assert list(result.curve["reviewed"]) == [20, 40] and result.curve["test_segments"].eq(20).all()
    assert result.curve["micro_f1"].iloc[-1] > 0.5
    with pytest.raises(ValueError, match="'folds' parameter"):
        evaluate_suggester(training, folds=1)
