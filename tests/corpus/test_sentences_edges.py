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


@pytest.mark.parametrize("before", ["", "x" * 299], ids=["near-the-start", "deep-in-the-document"])
def test_a_mark_at_the_start_of_a_sub_span_reads_nothing_before_the_span(before):
    def sub(text: str, start: int) -> list[str]:     # the span starts `start` characters into `text`
        text = before + text
        return [text[s:e] for s, e in sentence_spans(text, len(before) + start)]
    assert sub("好!ok", 1) == ["!ok"]          # '好' is outside the span
    assert sub("好;ok", 1) == [";ok"]
    assert sub("x.. Yes", 2) == ["Yes"]       # the '.' before the span does not make its '.' part of an ellipsis
    # '好' before the span is no part of the word before the '.': "Dr." is still an abbreviation
    assert sub("好Dr. Wang came.", 1) == ["Dr. Wang came."]


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


@pytest.mark.parametrize("text, pieces", [
    ("Really...? Yes", ["Really...?", "Yes"]),          # the '?' after an ellipsis ends the sentence
    ("Hmm...?好", ["Hmm...?", "好"]),                    # ... as it does right before Chinese
    ("真的吗...？我不信", ["真的吗...？", "我不信"]),     # a full-width mark always does
    ("等等...。好的", ["等等...。", "好的"]),
    ("abc.。def", ["abc.。", "def"]),
    ("Wait...!ok", ["Wait...!ok"]),                     # between Latin letters a '!' still does not
    ("He said “well...” then left", ["He said “well...” then left"]),   # an ellipsis alone is a pause
    ("Well... yes. No", ["Well... yes.", "No"]),
])
def test_a_mark_after_an_ellipsis_still_ends_the_sentence(text, pieces):
    assert split(text) == pieces


@pytest.mark.parametrize("text, pieces", [
    ("ABC好!d", ["ABC好!", "d"]),                        # the character right before the mark decides
    ("ABC好;d", ["ABC好;", "d"]),
    ("It was good . Next one", ["It was good .", "Next one"]),   # a point after a space ends a sentence
    ("He said “fine.” Then left", ["He said “fine.”", "Then left"]),   # the closing quote stays with it
    ("She has a B.A. Then she left.", ["She has a B.A.", "Then she left."]),   # not a listed abbreviation
    ("...Fine. Next one", ["...Fine.", "Next one"]),    # an ellipsis earlier in the text changes nothing
    ("Open 9a.m. to 5p.m. daily", ["Open 9a.m. to 5p.m. daily"]),   # "a.m." after a digit is still one
    ("We flew to the USA. Then home", ["We flew to the USA.", "Then home"]),   # only one capital is an initial
])
def test_the_characters_around_a_full_stop(text, pieces):
    assert split(text) == pieces


@pytest.mark.parametrize("text, pieces", [
    ("Note (see above)\nthen more", ["Note (see above)", "then more"]),   # only a letter, digit or comma wraps
    ("one: \ntwo", ["one:", "two"]),              # the character before the trailing space decides
    ("first;\nSecond", ["first;", "Second"]),     # a line after a clause mark is still a new paragraph
    ("我觉得很好\n。然后我们走了", ["我觉得很好", "然后我们走了"]),   # a line opening with its '。' (a wrap)
])
def test_a_line_break_after_punctuation(text, pieces):
    assert split(text) == pieces


@pytest.mark.parametrize("text, pieces", [
    ("aaaa,bbbb,ccccc", ["aaaa,bbbb,", "ccccc"]),     # a comma as the window's last character
    ("aaaa bbbb ccccc", ["aaaa bbbb", "ccccc"]),      # a space as the window's last character
    ("a,bbbbbbbbbbbb", ["a,", "bbbbbbbbbb", "bb"]),   # a comma second in the window
    ("a bbbbbbbbbbbb", ["a", "bbbbbbbbbb", "bb"]),    # a space second in the window
    ("aaaaaaaa bbbb", ["aaaaaaaa", "bbbb"]),          # every position is looked at
    ("xxxxxxxxxx bbbb ccccc", ["xxxxxxxxxx", "bbbb ccccc"]),   # the rest fits exactly: no further cut
])
def test_the_cap_cuts_at_the_last_comma_or_space_wherever_it_is_in_the_window(text, pieces):
    assert split(text, max_chars=10) == pieces


LONG = "The queue at the front desk was far too long. " * 6       # 276 characters


@pytest.mark.parametrize("tail, last", [
    ("Never again!", "Never again!"),
    ("Never again.", "Never again."),
    ("再也不来了。", "再也不来了。"),
    ("他说“再也不来了。”", "他说“再也不来了。”"),
    ("Never again\n", "Never again"),
    ("Never again.   ", "Never again."),
])
def test_the_last_sentence_of_a_long_document_ends_at_its_end(tail, last):
    assert split(LONG + tail) == ["The queue at the front desk was far too long."] * 6 + [last]


def test_a_long_blank_text_has_nothing_to_code():
    assert sentence_spans(" " * 300) == []
    assert unit_spans("\n" * 300, unit="answer") == []


def test_the_default_cap_is_300_characters():
    assert split("a" * 300) == ["a" * 300]
    assert split("a" * 301) == ["a" * 300, "a"]
    answer = "Parking is hard. " * 17 + "Too noisy!!"      # 300 characters, 18 sentences
    assert unit_spans(answer, unit="answer") == [(0, 300)]
    longer = answer + "!"
    assert [longer[s:e] for s, e in unit_spans(longer, unit="answer")] == ["Parking is hard."] * 17 + ["Too noisy!!!"]


def test_an_answer_is_whole_whatever_its_offset_and_the_unit_is_compared_by_value():
    text = " Yes. Fine"                                        # a leading space: the answer is 1-10
    assert unit_spans(text, unit="answer", max_chars=10) == [(1, 10)]
    unit = "".join(["sent", "ence"])                           # as read from settings, not a literal
    assert unit_spans("One. Two", unit=unit) == [(0, 4), (5, 8)]


def test_the_bounds_can_be_named_and_the_cap_only_by_name():
    text = "Q: skip. A: One. Two"
    assert sentence_spans(text=text, start=9, end=16) == [(9, 16)]
    assert unit_spans(text=text, start=9, unit="answer") == [(9, 20)]
    with pytest.raises(TypeError):
        sentence_spans(text, 0, None, 50)                      # a 4th positional is not taken for the cap
    segs = build_segments(doc_id="d", text="对。", spans=[(0, 2)], respondent_id="R", speaker="答",
                          is_interviewer=False, turn=0, question=None, default_lang="zh", occurrences={},
                          first_position=0)
    assert [(s.text, s.start, s.end) for s in segs] == [("对。", 0, 2)]
