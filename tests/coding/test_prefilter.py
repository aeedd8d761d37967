"""coding.prefilter.KeyStarts finds exactly the offsets where an automaton of the keys finds a key."""
import random

import numpy as np

from coding.prefilter import KeyStarts
from corpus.tokens import phrase_automaton

KEYS = ["钱", "排队", "排队时间", "排队时间长", "开放时间", "时间", "app", "a", "志愿者", "志愿服务", "不方便",
        "不方便的地方", "𠀀字", "xy"]


def _automaton_starts(keys, text):
    automaton = phrase_automaton((k, None) for k in keys)
    return sorted({last - length + 1 for last, (length, _) in automaton.iter(text)})


def test_same_starts_as_an_automaton_on_random_text():
    rnd = random.Random(7)
    alphabet = list(set("".join(KEYS))) + list("的了是我，。 \x00bz") + ["\ud800"]
    ks = KeyStarts(KEYS)
    for _ in range(3000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 40)))
        text += rnd.choice(KEYS)[:rnd.randint(0, 5)]   # keys and key prefixes at the very end too
        assert ks.positions(text).tolist() == _automaton_starts(KEYS, text), text


def test_every_kind_of_key():
    ks = KeyStarts(KEYS)
    text = "钱不够，排队时间长，开放时间短；志愿服务好；不方便的地方多；𠀀字 app xy"
    found = ks.positions(text)
    assert found.dtype == np.int64
    assert [text[p:p + 2] for p in found] == [
        "钱不", "排队", "时间", "开放", "时间", "志愿", "不方", "𠀀字", "ap", "xy"]   # "a" starts where "app" does
    assert ks.positions("").tolist() == [] and ks.positions("没有").tolist() == []
