"""The suggester on a slice of the real Chinese corpus (../shared; skipped where it is absent)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from qualmine.coding.suggest.model import CodeSuggester, scores_table


def test_chinese_departments_from_300_reviewed_questions(shared_corpora):
    frame = pd.read_csv(shared_corpora / "zh_medical_dialogue_neike" / "sample_neike_5000-6000.csv",
                        encoding="gb18030")
    frame = frame.drop_duplicates(["title", "ask"]).sample(n=500, random_state=7).reset_index(drop=True)
    texts = (frame["title"] + "。" + frame["ask"]).tolist()
    labels = [{d} for d in frame["department"]]
    train, test = slice(0, 300), slice(300, 500)
    model = CodeSuggester().fit(texts[train], labels[train], ["zh"] * 300)
    codes = list(model.classes_)
    hits = model.predict(texts[test], ["zh"] * 200).to_numpy()
    gold = np.array([[c in s for c in codes] for s in labels[test]])
    micro = scores_table(gold, hits, codes).set_index("code_id").at["micro", "f1"]
    assert micro >= 0.8, micro
    # the model is least sure about the questions it gets wrong
    wrong = (hits != gold).any(axis=1)
    u = model.uncertainty(texts[test], ["zh"] * 200)
    assert u[wrong].mean() > u[~wrong].mean()
