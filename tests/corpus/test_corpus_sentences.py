"""Sentence splitting (zh/en), the length cap, and the offset invariant on every span."""
import random

import pytest

from qualmine.corpus import sentence_spans


def split(text, **kw):
    spans = sentence_spans(text, **kw)
    for s, e in spans:                       # offsets index the text, whitespace excluded
        assert text[s:e] == text[s:e].strip() and text[s:e]
    assert spans == sorted(spans) and all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
    return [text[s:e] for s, e in spans]


def test_chinese_sentence_ends():
    assert split("交通不方便。公交车太少了！你说呢？还有；其他的") == [
        "交通不方便。", "公交车太少了！", "你说呢？", "还有；", "其他的"]


def test_chinese_with_halfwidth_punctuation_and_quotes():
    assert split("太好了!我很高兴?真的;好") == ["太好了!", "我很高兴?", "真的;", "好"]
    assert split("他说：“好。”然后走了。") == ["他说：“好。”", "然后走了。"]
    assert split("真的吗？！不会吧") == ["真的吗？！", "不会吧"]


def test_english_sentence_ends_and_exceptions():
    text = ("Mr. Smith said hi. The rate is 3.5 percent! We tried e.g. buses, i.e. the 12. "
            "Really? Well... I think so. J. Smith agreed. See the U.S. office. Done")
    assert split(text) == [
        "Mr. Smith said hi.", "The rate is 3.5 percent!", "We tried e.g. buses, i.e. the 12.",
        "Really?", "Well... I think so.", "J. Smith agreed.", "See the U.S. office.", "Done"]


def test_english_semicolon_and_midword_marks_do_not_split():
    assert split("Prices rose; wages did not. Version 2.0.1 is out") == [
        "Prices rose; wages did not.", "Version 2.0.1 is out"]


def test_paragraph_newlines():
    text = "第一段没有句号\n第二段\n\n  Third paragraph\nFourth line\nwrapped english\ncontinues here."
    assert split(text) == ["第一段没有句号", "第二段", "Third paragraph",
                           "Fourth line\nwrapped english\ncontinues here."]
    assert split("一\r\n二\r\n") == ["一", "二"]


def test_punctuation_only_pieces_dropped():
    assert split("好的。……\n——\n对。") == ["好的。", "对。"]


def test_cap_at_comma_then_space_then_hard():
    zh = "我们" * 10 + "，" + "他们" * 20 + "。"
    assert split(zh, max_chars=30) == ["我们" * 10 + "，", "他们" * 15, "他们" * 5 + "。"]
    en = "word " * 20
    out = split(en, max_chars=22)
    assert all(len(p) <= 22 for p in out) and " ".join(out) == en.strip()
    assert out[0] == "word word word word"
    assert split("x" * 25, max_chars=10) == ["x" * 10, "x" * 10, "x" * 5]


def test_sub_span_only():
    text = "问：不算。答：这一句。还有这句。"
    start = text.index("这一句")
    assert [text[s:e] for s, e in sentence_spans(text, start, len(text))] == ["这一句。", "还有这句。"]


def test_bad_cap():
    with pytest.raises(ValueError):
        sentence_spans("abc", max_chars=5)


def test_offset_invariant_random_texts():
    pool = ["我们", "社区", "。", "，", "！", "？", "；", "\n", "\n\n", " ", "\u3000", "Mr.", "e.g.",
            "3.5", "word", "Word", ". ", "! ", "? ", "...", "“", "”", "、", "——", "a,b", "\r\n"]
    rng = random.Random(7)
    for _ in range(500):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 80)))
        cap = rng.choice([10, 20, 300])
        pieces = split(text, max_chars=cap)
        assert all(len(p) <= cap for p in pieces)
        # nothing with letters/ideographs is lost: all word characters survive in order
        assert "".join(c for p in pieces for c in p if c.isalnum()) == "".join(c for c in text if c.isalnum())
