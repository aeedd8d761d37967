"""normalize() must be length-preserving; lang() picks zh/en by the share of ideographs."""
import random

from qualmine.corpus import detect_lang, normalize

POOL = (
    "abcXYZ019 .,!?;:'\"\t\n\r"
    "！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＺａｚ［＼］＾＿｀｛｜｝～"
    "\u3000\u00a0\u2002\u2009\u202f\u200b"
    "。，、；：“”‘’《》【】…—"
    "我们社区养老服务電梯"
    "éüß\u0301㎡ﬁ"           # characters NFKC would expand: must stay 1 char each
    "😀𠀀"                    # astral plane characters
)


def test_length_preserved_on_random_strings():
    rng = random.Random(20240501)
    for _ in range(2000):
        text = "".join(rng.choice(POOL) for _ in range(rng.randint(0, 60)))
        out = normalize(text)
        assert len(out) == len(text), repr(text)
        # same positions keep their meaning: unchanged chars stay exactly where they were
        for a, b in zip(text, out):
            assert a == b or ord(a) > 0x7F, (a, b)


def test_every_single_char_in_ranges_maps_to_one_char():
    for cp in list(range(0x20, 0x3100)) + list(range(0xFE00, 0x10000)):
        assert len(normalize(chr(cp))) == 1, hex(cp)


def test_fullwidth_ascii_to_halfwidth():
    assert normalize("Ｑ：ＡＢＣ１２３！？；（）～") == "Q:ABC123!?;()~"


def test_unicode_spaces_become_space():
    assert normalize("a\u3000b\u00a0c\u2009d") == "a b c d"
    assert normalize("a\u200bb") == "a\u200bb"   # zero-width space is not a space


def test_chinese_punctuation_and_case_kept():
    text = "我们，你们。他们、Hello World"
    assert normalize(text) == text


def test_lang():
    assert detect_lang("我们社区的电梯经常坏") == "zh"
    assert detect_lang("The lift is often broken") == "en"
    assert detect_lang("用了APP以后方便多了") == "zh"                 # mixed, mostly Chinese
    assert detect_lang("I like the 社区 center very much") == "en"     # 2 of 22: under 20%
    assert detect_lang("12345", default="zh") == "zh"


def test_lang_threshold():
    # 2 ideographs vs 8 letters = exactly 20% -> zh; 2 vs 9 -> en
    assert detect_lang("社区abcdefgh") == "zh"
    assert detect_lang("社区abcdefghi") == "en"
