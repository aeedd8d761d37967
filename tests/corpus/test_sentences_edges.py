"""corpus/sentences.py at its edges: the length cap met exactly, where a half-width mark ends a
sentence, initials and abbreviations, hard-wrapped lines, units, and segment records. The main
cases are tests/corpus/test_corpus_sentences.py."""
from __future__ import annotations

import pytest

from qualmine.corpus.records import make_segment_id
from qualmine.corpus.sentences import build_segments, sentence_spans, unit_spans


def split(text: str, **kw) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text, **kw)]


def test_the_cap_is_at_least_ten_characters():
    with pytest.raises(ValueError, match="at least 10"):
        sentence_spans("abc", max_chars=9)
    assert split("abcdefghij", max_chars=10) == ["abcdefghij"]          # exactly the cap: one piece
    assert split("abcdefghijk", max_chars=10) == ["abcdefghij", "k"]    # one over: cut hard at the cap


def test_the_cap_cuts_after_the_last_comma_then_at_the_last_space_inside_the_window():
    assert split("aaa,bbb,ccc,ddd", max_chars=10) == ["aaa,bbb,", "ccc,ddd"]
    assert split("aaa bbb ccc ddd", max_chars=10) == ["aaa bbb", "ccc ddd"]
    assert split(",aaaaaaaaaaaa", max_chars=10) == [",aaaaaaaaa", "aaa"]     # a comma first in the window is no cut
    assert split(" " * 3 + "a" * 12, max_chars=10) == ["a" * 10, "aa"]


@pytest.mark.parametrize("text, pieces", [
    ("好!好", ["好!", "好"]),                    # '!' right after a Chinese character
    ("ok!好", ["ok!", "好"]),                    # '!' right before one
    ("ok!ok", ["ok!ok"]),                        # inside Latin text: no end
    ("Yes!", ["Yes!"]),
    ("Yes!!! No", ["Yes!!!", "No"]),
    ("Yes?) No", ["Yes?)", "No"]),               # a closing bracket stays with its sentence
    ("好;好", ["好;", "好"]),                    # a half-width ';' after a Chinese character
    ("ok;好", ["ok;好"]),
    ("ok; ok", ["ok; ok"]),
])
def test_where_half_width_marks_end_a_sentence(text, pieces):
    assert split(text) == pieces


def test_a_mark_at_the_start_of_a_sub_span_reads_nothing_before_the_span():
    text = "好!ok"
    assert [text[s:e] for s, e in sentence_spans(text, 1)] == ["!ok"]      # '好' is outside the span
    text = "好;ok"
    assert [text[s:e] for s, e in sentence_spans(text, 1)] == [";ok"]
    text = "x.. Yes"     # the '.' before the span's start does not make its '.' part of an ellipsis
    assert [text[s:e] for s, e in sentence_spans(text, 2)] == ["Yes"]     # '.' alone: nothing to code


@pytest.mark.parametrize("text, pieces", [
    ("Done.", ["Done."]),
    ("We met J. Smith there", ["We met J. Smith there"]),       # an initial
    ("We met j. smith there", ["We met j.", "smith there"]),    # a lower-case letter is a word, not an initial
    ("Café É. Dupont", ["Café É.", "Dupont"]),                  # initials are ASCII capitals only
    ("Ask MR. Smith now", ["Ask MR. Smith now"]),               # abbreviations ignore case
    ("Two Ph.D. students came", ["Two Ph.D. students came"]),
    ("It costs 3.5 now. Yes", ["It costs 3.5 now.", "Yes"]),
    ("Well... yes. No", ["Well... yes.", "No"]),
    ("Wait .. no", ["Wait .. no"]),
    ("End.\tNext", ["End.", "Next"]),
    (". Yes", ["Yes"]),                                      # a point with no word before it ends a piece
])
def test_full_stops_initials_abbreviations_and_ellipses(text, pieces):
    assert split(text) == pieces


@pytest.mark.parametrize("text, pieces", [
    ("one,\ntwo", ["one,\ntwo"]),                # a wrap after a comma
    ("one  \ntwo", ["one  \ntwo"]),              # trailing spaces before the wrap
    ("one\nTwo", ["one", "Two"]),                # a capital starts a new paragraph
    ("one\nébène", ["one", "ébène"]),            # only ASCII lower case continues a line
    ("one:\ntwo", ["one:", "two"]),
    ("一\ntwo", ["一", "two"]),
    ("\ntwo", ["two"]),
    ("one\n", ["one"]),
    ("3\nitems", ["3\nitems"]),
])
def test_hard_wrapped_english_lines_stay_one_paragraph(text, pieces):
    assert split(text) == pieces


def test_an_answer_unit_is_whole_up_to_the_cap_and_split_beyond_it():
    ten = "Short. One"                                       # 10 characters
    assert unit_spans(ten, unit="answer", max_chars=10) == [(0, 10)]
    assert unit_spans(ten, unit="turn", max_chars=10) == [(0, 10)]
    assert unit_spans(ten + "!", unit="answer", max_chars=10) == [(0, 6), (7, 11)]
    assert unit_spans("  ok  ", unit="answer") == [(2, 4)]
    assert unit_spans(" …… ", unit="answer") == []
    assert unit_spans("a. b. c", 3, unit="answer") == [(3, 7)]
    assert unit_spans("One. Two", unit="sentence") == [(0, 4), (5, 8)]
    with pytest.raises(ValueError, match="unit must be one of"):
        unit_spans("One", unit="auto")


def test_segments_keep_their_offsets_positions_and_repeat_counts():
    text = "对。好的。对。"
    spans = sentence_spans(text)
    seen: dict[str, int] = {"对。": 1}                        # one "对。" earlier in this document
    segs = build_segments("d1", text, spans, respondent_id="R1", speaker="答", is_interviewer=False, turn=4,
                          question="Q1", default_lang="zh", occurrences=seen, first_position=7)
    assert [(s.text, s.start, s.end, s.position, s.turn) for s in segs] == [
        ("对。", 0, 2, 7, 4), ("好的。", 2, 5, 8, 4), ("对。", 5, 7, 9, 4)]
    assert [s.segment_id for s in segs] == [make_segment_id("d1", "对。", 1), make_segment_id("d1", "好的。", 0),
                                            make_segment_id("d1", "对。", 2)]
    assert seen == {"对。": 3, "好的。": 1}
    assert {s.lang for s in segs} == {"zh"} and {s.question for s in segs} == {"Q1"}
    told = build_segments("d1", text, spans[:1], respondent_id="R1", speaker="答", is_interviewer=True, turn=0,
                          question=None, default_lang="zh", occurrences={}, first_position=0, lang="en")
    assert told[0].lang == "en" and told[0].is_interviewer


def test_a_span_inside_a_document_is_measured_from_its_own_start():
    # Answers sit after other text in one document (start > 0): the cap counts the answer's own
    # characters, not its end offset.
    text = "x" * 20 + "abcdefghijk"
    assert [text[s:e] for s, e in sentence_spans(text, 20, max_chars=10)] == ["abcdefghij", "k"]
    assert [text[s:e] for s, e in sentence_spans(text, 20, 30, max_chars=10)] == ["abcdefghij"]
    answer = "x" * 20 + "短答案。第二句话好吗。"              # exactly 11 characters after the prefix
    assert unit_spans(answer, 20, unit="answer", max_chars=11) == [(20, 31)]
    assert unit_spans(answer, 20, unit="answer", max_chars=10) == [(20, 24), (24, 31)]


@pytest.mark.parametrize("text, pieces", [
    ("好!Yes", ["好!", "Yes"]),            # '!' right after Chinese ends the sentence, even with no space
    ("Yes!好的", ["Yes!", "好的"]),          # '!' right before Chinese too
    ("Hi!Yes", ["Hi!Yes"]),                # between Latin letters it does not (a brand name, "Yahoo!Mail")
    ("A好;b", ["A好;", "b"]),               # a half-width ';' after Chinese ends it: the character before it counts
    ("A b;c", ["A b;c"]),                  # ... after Latin it only joins clauses
    ("中文.abc", ["中文.abc"]),             # a '.' without a space after it never ends one, even after Chinese
])
def test_half_width_marks_next_to_chinese(text, pieces):
    assert split(text) == pieces
