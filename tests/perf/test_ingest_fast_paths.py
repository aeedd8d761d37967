"""Ingestion's shortcuts give exactly what the plain code gave: one language detection per answer
instead of one per segment (only answers that mix scripts are detected segment by segment), the
script counts and test behind it, and the faster frame builders of the chunked path."""
from __future__ import annotations

import csv
import random
from dataclasses import astuple
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from qualmine.coding.applications import CODE_APPLICATION_COLUMNS, CodeApplication, applications_frame
from qualmine.corpus.lang import detect_lang, script_counts, script_mix, text_lang
from qualmine.corpus.sentences import sentence_spans
from qualmine.corpus.surveys import read_survey
from qualmine.coding.assemble import _respondent_rows
from reference_scans import reference_script_counts

# Mixed, pure Chinese, pure English and letter-less answers, and characters that are easy to get
# wrong: full-width letters (Ａ), katakana, accented letters, an unassigned code point inside a
# CJK range (\ufa6e: counted as CJK, yet not a word character, so sentence_spans drops it),
# extension-B ideographs, emoji, circled digits, Roman numerals.
ANSWERS = [
    "用了APP以后方便多了。但是WiFi信号不好！希望改进。", "I like the 社区 center. 服务很好。Opening hours are short.",
    "办事流程太复杂，排队时间太长。希望增加窗口！", "社区环境很好", "123。456！", "……", "2023年5月。",
    "The lift is often broken. Please fix it!", "ok", "no.", "A. B. C.", "12:30 - 14:00",
    "ＡＢＣ很好。ｱｲｳ。", "café naïve. 很好。", "abc。\ufa6e", "\ufa6e\ufa6e。abc", "𠀀𠀁。ext-B", "😀😀。好！",
    "①②③。", "Ⅷ年级。很好", "第一句。\n\nSecond line.\n第三句", "  空格  。  ", "e.g. Mr. Smith... 很好。",
    "社区abcdefgh。社区abcdefghi。", "x" * 350 + "。" + "中" * 350,
]


def _random_answers(n: int, seed: int = 11) -> list[str]:
    alphabet = "中文问题服务时间，。！？；;!?. \n\tABCabcİßé½Ⅷ１２ＡＢ！　𠀀\ufa6eｱ😀①…"
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))) for _ in range(n)]


def _check_answers(answers: list[str]) -> int:
    """text_lang and script_mix agree with the counts; returns how many answers mix scripts."""
    mixed_count = 0
    for text in answers:
        cjk, letters = reference_script_counts(text)
        assert script_counts(text) == (cjk, letters), text
        assert script_mix(text) == (cjk > 0, letters > 0), text
        lang, mixed = text_lang(text)
        assert (lang, mixed) == (detect_lang(text), cjk > 0 and letters > 0), text
        mixed_count += mixed
        if mixed:
            continue
        # The claim ingestion relies on: every piece of an unmixed text, detected with the text's
        # language as default, gets that language (sentence spans and arbitrary slices alike).
        pieces = [text[s:e] for s, e in sentence_spans(text, max_chars=10)]
        pieces += [text[i:j] for i in range(0, len(text), 3) for j in range(i, len(text) + 1, 4)]
        for piece in pieces:
            assert detect_lang(piece, default=lang) == lang, (text, piece)
    return mixed_count


def test_unmixed_answers_give_every_piece_their_language():
    answers = ANSWERS + _random_answers(1500)
    assert _check_answers(answers) > 10            # mixed answers are in the sample too


def test_unmixed_answers_on_shared_corpora(shared_answers):
    zh, en = shared_answers
    assert _check_answers(zh + en) > 0


def _write_survey(folder: Path, answers: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "survey.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["id", "group", "answer"], *[[f"R{i}", "a", t] for i, t in enumerate(answers)]])


@pytest.mark.parametrize("max_chars", [10, 300])
def test_survey_segments_get_their_own_detected_language(tmp_path, max_chars):
    """Per-segment detection (the old path) and the per-answer shortcut agree on every segment."""
    answers = ANSWERS + _random_answers(400, seed=3)
    _write_survey(tmp_path, answers)
    result = read_survey(tmp_path / "survey.csv", "survey.csv", max_segment_chars=max_chars)
    texts = {d.doc_id: d.text for d in result.documents}
    assert len(result.segments) > len(result.documents) > 300
    langs = {s.lang for s in result.segments}
    assert langs == {"zh", "en"}
    for seg in result.segments:
        answer = texts[seg.doc_id]
        assert answer[seg.start:seg.end] == seg.text
        assert seg.lang == detect_lang(seg.text, default=detect_lang(answer)), (answer, seg.text)


def test_applications_frame_equals_the_astuple_rows():
    apps = [CodeApplication("seg_1", "C1", "rule", 0, 4, "排队太久", 0.9, "排队", 1),
            CodeApplication("seg_2", "C2", "rule", 10, 20, "volunteers", 1.0, "volunteer", 3)]
    frame = applications_frame(apps)
    want = pd.DataFrame.from_records([astuple(a) for a in apps], columns=list(CODE_APPLICATION_COLUMNS))
    assert_frame_equal(frame, want.astype(frame.dtypes.to_dict()))
    assert frame["score"].dtype == "float64" and frame["hits"].dtype == "int64"
    assert frame["code_id"].tolist() == ["C1", "C2"]


@pytest.mark.parametrize("respondents", [
    [],
    [("R1", {})],
    [("R1", {"x": "1"}), ("R2", {"y": "2", "x": ""}), ("R1", {"x": "3"})],
    [("R1", {"k": "v", "respondent_id": "ignored"}), ("R2", {"z": "007"})],
])
def test_respondent_rows_equal_the_row_by_row_frame(respondents):
    columns = ["respondent_id"]
    for _, attrs in respondents:
        columns += [k for k in attrs if k not in columns]
    rows = [[rid] + [attrs.get(c, "") for c in columns[1:]] for rid, attrs in respondents]
    assert_frame_equal(_respondent_rows(respondents), pd.DataFrame(rows, columns=columns, dtype=str))


def test_gc_paused_restores_the_collector_after_nested_and_concurrent_pauses():
    import gc
    import threading

    from qualmine.flows.runtime.pool import gc_paused

    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()                  # the outer pause still holds
    assert gc.isenabled()

    inside, release = threading.Event(), threading.Event()

    def other():
        with gc_paused():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=other)
    with gc_paused():
        thread.start()
        assert inside.wait(5)
    assert not gc.isenabled()                      # the other thread's pause outlives ours
    release.set()
    thread.join(5)
    assert gc.isenabled()

    gc.disable()                                   # a caller that had turned it off keeps it off
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
    try:
        with gc_paused():
            raise KeyError("boom")
    except KeyError:
        pass
    assert gc.isenabled()
