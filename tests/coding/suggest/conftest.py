"""Small planted data sets for the suggestion model: each code has its own give-away words."""
from __future__ import annotations

import random

import pytest

EN_CODE_WORDS = {
    "wait": ["waited four hours", "the delay was awful", "long queue before anyone came", "kept waiting"],
    "staff": ["the nurse was kind", "friendly staff", "the doctor listened carefully", "polite paramedics"],
    "parking": ["no parking spaces", "the car park was full", "parking fees are too high", "nowhere to park"],
}
EN_FILLER = ["today", "at the clinic", "last week", "overall", "for my mother", "in the morning", "again"]
ZH_CODE_WORDS = {
    "排队": ["排队等了三个小时", "挂号排队太久", "排长队", "等候时间太长"],
    "态度": ["护士态度很好", "医生非常耐心", "服务热情周到", "态度亲切"],
    "收费": ["收费太贵", "药费很高", "检查费用不合理", "乱收费"],
}
ZH_FILLER = ["今天", "在医院", "上个月", "总的来说", "陪妈妈看病", "早上", "又一次"]


def planted(code_words: dict[str, list[str]], filler: list[str], n: int, seed: int, sep: str = " "):
    """n texts, each with 0-2 codes; a code's text always contains one of its phrases."""
    rng = random.Random(seed)
    codes = sorted(code_words)
    texts, labels = [], []
    for i in range(n):
        k = [0, 1, 1, 2][i % 4]
        chosen = set(rng.sample(codes, k))
        parts = [rng.choice(code_words[c]) for c in sorted(chosen)] + rng.sample(filler, 2)
        rng.shuffle(parts)
        texts.append(sep.join(parts))
        labels.append(chosen)
    return texts, labels


@pytest.fixture(scope="module")
def en_planted():
    return planted(EN_CODE_WORDS, EN_FILLER, 120, seed=1), planted(EN_CODE_WORDS, EN_FILLER, 40, seed=2)


@pytest.fixture(scope="module")
def zh_planted():
    return planted(ZH_CODE_WORDS, ZH_FILLER, 90, seed=3, sep="，"), planted(ZH_CODE_WORDS, ZH_FILLER, 30, seed=4, sep="，")
