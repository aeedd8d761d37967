"""The fast paths give exactly what the plain implementations gave: same languages, sentence
spans, normalised text, and the rule coder's same codes and offsets with and without its batch
prefilter. The references below are the original per-character loops, kept verbatim."""
from __future__ import annotations

import random

import pytest

from qualmine.coding.codebook import load_codebook
from qualmine.coding.rules import RuleCoder
from qualmine.corpus import sentences
from qualmine.corpus.lang import detect_lang, is_cjk
from qualmine.corpus.normalize import _TABLE, normalize
from qualmine.corpus.records import Segment
from reference_scans import reference_script_counts
from qualmine.codebooks import EXAMPLE_CODEBOOK


_EDGE_TEXTS = [
    "", " ", "123 456", "。。。", "Hello, world.", "用了APP以后方便多了", "İstanbul 很好", "ǅemal café naïve 太好了",
    "Ⅷ ½ ² ß", "𠀀𠀁 ext-B 汉字", "\u3000全角　空格ＡＢＣ１２３！", "mixed. 中文。English! 再见？", "e.g. Mr. Smith... well.\nnext",
    "第一行\n第二行\r\nthird line, wrapped\nlower case continues", "！？；;!?.", "a" * 400 + "。" + "中" * 400,
]


def _reference_detect_lang(text: str, *, cjk_share: float = 0.2, default: str = "en") -> str:
    cjk, letters = reference_script_counts(text)
    total = cjk + letters
    if total == 0:
        return default
    return "zh" if cjk / total >= cjk_share else "en"


def _reference_raw_pieces(text: str, start: int, end: int):
    # Every character in turn, each mark read alone (no regex jump, no skip of a run of marks).
    piece_start = i = start
    while i < end:
        ch = text[i]
        cut = None
        if ch == "\n":
            if not sentences._is_wrapped_line(text, i, end):
                yield piece_start, i
                piece_start = i + 1
            i += 1
            continue
        if ch in sentences._ZH_ENDS:
            cut = sentences._after_run(text, i, end)
        elif ch in sentences._LATIN_ENDS:
            j = sentences._after_run(text, i, end)
            if j >= end or text[j].isspace() or is_cjk(text[j]) or (i > start and is_cjk(text[i - 1])):
                cut = j
        elif ch == ";" and i > start and is_cjk(text[i - 1]):
            cut = sentences._after_run(text, i, end)
        elif ch == ".":
            j = sentences._after_run(text, i, end)
            if (j >= end or text[j].isspace()) and sentences._is_full_stop(text, i, start):
                cut = j
        if cut is not None:
            yield piece_start, cut
            piece_start = i = cut
        else:
            i += 1
    yield piece_start, end


def _random_texts(n: int, seed: int = 7) -> list[str]:
    alphabet = "中文问题服务时间，。！？；;!?. \n\tABCabcİßé½Ⅷ１２ＡＢ！　𠀀" + "".join(map(chr, range(0xFF01, 0xFF10)))
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80))) for _ in range(n)]


@pytest.fixture(scope="module")
def texts(example_corpus):
    return [d.text for d in example_corpus.documents] + [s.text for s in example_corpus.segments] \
        + _EDGE_TEXTS + _random_texts(3000)


def test_detect_lang_matches_the_character_loop(texts):
    for text in texts:
        for share in (0.2, 0.5):
            assert detect_lang(text, cjk_share=share) == _reference_detect_lang(text, cjk_share=share), text
        assert detect_lang(text, default="zh") == _reference_detect_lang(text, default="zh"), text


def test_sentence_pieces_match_the_character_loop(texts):
    for text in texts:
        assert list(sentences._raw_pieces(text, 0, len(text))) == list(_reference_raw_pieces(text, 0, len(text))), text
        if len(text) > 10:
            assert list(sentences._raw_pieces(text, 3, len(text) - 2)) == list(_reference_raw_pieces(text, 3, len(text) - 2))


def test_normalize_matches_translate(texts):
    for text in texts:
        assert normalize(text) == text.translate(_TABLE)


def test_fast_paths_on_shared_answers(shared_answers):
    for text in shared_answers[0] + shared_answers[1]:
        assert detect_lang(text) == _reference_detect_lang(text)
        assert list(sentences._raw_pieces(text, 0, len(text))) == list(_reference_raw_pieces(text, 0, len(text)))
        assert normalize(text) == text.translate(_TABLE)


def _one_by_one(coder: RuleCoder, segments: list[Segment]):
    """The reference path: every segment through code_text, no batch prefilter."""
    out = []
    for seg in segments:
        if seg.is_interviewer and not coder.code_interviewer:
            continue
        out.extend(coder.code_text(seg.segment_id, seg.start, seg.text, seg.lang))
    return out


@pytest.fixture(scope="module")
def coder():
    return RuleCoder(load_codebook(EXAMPLE_CODEBOOK), segmenter_backend="jieba")


def test_prefilter_never_drops_a_code_on_the_example_corpus(coder, example_corpus):
    segments = example_corpus.segments
    fast = coder.apply(segments)
    assert fast == _one_by_one(coder, segments)
    assert len(fast) > 300   # the example corpus really is coded: the comparison is not vacuous
    interviewer_too = RuleCoder(load_codebook(EXAMPLE_CODEBOOK), code_interviewer=True)
    assert interviewer_too.apply(segments) == _one_by_one(interviewer_too, segments)


def test_prefilter_never_drops_a_code_on_shared_answers(coder, shared_answers):
    zh, en = shared_answers
    segments = [Segment(f"s{i}", f"d{i}", f"r{i}", "answer", False, detect_lang(t), 0, len(t), t, 0, 0)
                for i, t in enumerate(zh + en + _EDGE_TEXTS + _random_texts(500))]
    fast = coder.apply(segments)
    assert fast == _one_by_one(coder, segments)
    assert len({a.segment_id for a in fast}) > 50
    frame = coder.apply_frame(__import__("pandas").DataFrame({
        "segment_id": [s.segment_id for s in segments], "start": 0, "text": [s.text for s in segments],
        "lang": [s.lang for s in segments], "is_interviewer": False}))
    assert frame["code_id"].tolist() == [a.code_id for a in fast]
    assert frame["start"].tolist() == [a.start for a in fast]
