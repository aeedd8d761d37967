"""outputs/refi/positions.py at its edges: the ends of a text, selections that are empty or one
unit too long, the writer's identity, and the choice when the evidence ties or contradicts it.
The round trips through real .qdpx files are tests/outputs/refi/test_refi_tools.py."""
from __future__ import annotations

import dataclasses

import pytest

from qualmine.outputs.refi.positions import EXPORT_RULES, OffsetMap, RawSelection, choose_rule, expected_rule, place

EMOJI_TEXT = "😀ab😀c"          # code points 0..5; UTF-16 units: 😀=0-1, a=2, b=3, 😀=4-5, c=6 (7 units)


def test_an_offset_map_counts_astral_characters_twice_only_under_utf16():
    units = OffsetMap(EMOJI_TEXT, "utf16")
    assert (units.length, units.units, units.identity) == (5, 7, False)
    assert [units.to_units(i) for i in range(6)] == [0, 2, 3, 4, 6, 7]
    assert [units.to_chars(u) for u in range(8)] == [0, None, 1, 2, 3, None, 4, 5]
    assert units.to_chars(-1) is None and units.to_chars(8) is None
    points = OffsetMap(EMOJI_TEXT, "codepoints")
    assert (points.units, points.identity, points.to_chars(5), points.to_chars(6)) == (5, True, 5, None)
    assert OffsetMap("纯中文没有扩展字", "utf16").identity      # BMP only: nothing moves


@pytest.mark.parametrize("start, end, placed", [
    (0, 7, (0, 5)),                 # the whole text
    (6, 7, (4, 5)),                 # the last character, ending at the text's end
    (2, 4, (1, 3)),
    (0, 2, (0, 1)),                 # exactly one astral character
])
def test_place_reads_utf16_selections_up_to_the_text_end(start, end, placed):
    assert place(start, end, OffsetMap(EMOJI_TEXT, "utf16")) == placed


@pytest.mark.parametrize("start, end, why", [
    (3, 3, "empty or reversed"),
    (4, 3, "empty or reversed"),
    (-1, 2, "outside its text (0-7"),
    (6, 8, "outside its text (0-7"),
    (1, 3, "splits a character in two"),
    (2, 5, "splits a character in two"),
])
def test_place_refuses_what_cannot_be_a_selection_and_says_why(start, end, why):
    placed = place(start, end, OffsetMap(EMOJI_TEXT, "utf16"))
    assert isinstance(placed, str) and why in placed


@pytest.mark.parametrize("origin, upper, bom, rule, says", [
    ("NVivo for Windows 12.6", False, False, "utf16", "origin names Windows"),
    ("NVivo 14 win", False, False, "utf16", "origin names Windows"),
    ("NVivo 14", True, False, "utf16", "'Sources/' folder"),
    ("NVivo 14", False, True, "utf16", "BOM in the source files"),
    ("NVivo 14", False, False, None, "does not say which NVivo"),
    ("NVivo 12 For Mac", True, True, None, "NVivo for Mac"),
    ("NVivo 14 macOS", False, False, None, "NVivo for Mac"),
    ("NVivo 14 Machine room", False, False, None, "does not say which NVivo"),   # 'mac' only as a word
    ("NVivo twin", False, False, None, "does not say which NVivo"),             # 'win' only as a word
    ("MAXQDA 2022", True, True, "codepoints", "origin 'MAXQDA 2022'"),
    ("", False, False, "codepoints", "no origin given"),
])
def test_the_writers_identity_implies_a_rule(origin, upper, bom, rule, says):
    got, why = expected_rule(origin, upper_sources=upper, bom=bom)
    assert got == rule and says in why


def test_a_declared_rule_wins_and_an_unknown_declaration_is_ignored():
    sources = [(EMOJI_TEXT, [RawSelection(2, 4, "ab")])]
    declared = choose_rule(sources, origin="MAXQDA", declared="utf16")
    assert (declared.rule, declared.ambiguous) == ("utf16", False) and "declared" in declared.reason
    assert declared.checks["utf16"].text_matches == 1
    other = choose_rule(sources, origin="MAXQDA", declared="bytes")
    assert other.ambiguous and "declared" not in other.reason


def test_the_evidence_overrules_the_writer_only_when_it_is_better():
    # "ab" sits at units 2-4 (UTF-16) and code points 1-3: the named text decides.
    utf16_sel = [(EMOJI_TEXT, [RawSelection(2, 4, "ab")])]
    chosen = choose_rule(utf16_sel, origin="MAXQDA 2022")
    assert chosen.rule == "utf16" and "suggests codepoints, but the selections fit utf16 better" in chosen.reason
    kept = choose_rule([(EMOJI_TEXT, [RawSelection(1, 3, "ab")])], origin="MAXQDA 2022")
    assert kept.rule == "codepoints" and kept.reason == "origin 'MAXQDA 2022'" and kept.ambiguous
    # No name to compare and both rules place it: the writer's rule stands on a tie.
    tie = choose_rule([(EMOJI_TEXT, [RawSelection(2, 3)])], origin="NVivo for Windows")
    assert tie.rule == "utf16" and tie.checks["utf16"].fits == tie.checks["codepoints"].fits == 1


def test_without_a_writers_word_a_tie_goes_to_the_standard_and_a_better_fit_wins():
    tie = choose_rule([(EMOJI_TEXT, [RawSelection(2, 3)])], origin="NVivo 14")
    assert tie.rule == "codepoints" and "both rules fit equally, so the standard's" in tie.reason
    fit = choose_rule([(EMOJI_TEXT, [RawSelection(6, 7)])], origin="NVivo 14")   # unit 7 is past 5 code points
    assert fit.rule == "utf16" and "the selections fit utf16 better" in fit.reason


def test_both_ways_are_checked_only_when_a_coded_source_has_an_astral_character():
    uncoded_emoji = [(EMOJI_TEXT, []), ("plain", [RawSelection(0, 5, "plain")])]
    choice = choose_rule(uncoded_emoji, origin="NVivo for Windows")
    assert (choice.rule, choice.ambiguous, choice.total) == ("utf16", False, 1)
    assert "both rules agree" in choice.reason
    assert choose_rule(uncoded_emoji, origin="NVivo 14").rule == "codepoints"


def test_the_summary_names_the_rule_the_fit_and_both_checks():
    chosen = choose_rule([(EMOJI_TEXT, [RawSelection(2, 4, "ab"), RawSelection(6, 7, "c")])], origin="NVivo 14")
    line = chosen.summary()
    assert line.startswith("positions read as UTF-16 code units after the BOM")
    assert "2 of 2 selection(s) fit it" in line
    assert "(checked both ways: code points 1 fit, 0 of 1 find their named text; UTF-16 units 2 fit, 2 of 2 find" in line
    plain = choose_rule([("plain", [RawSelection(0, 5)])]).summary()
    assert plain == ("positions read as code points (the REFI-QDA standard), because: no character outside "
                     "the BMP in any coded source, so both rules agree; 1 of 1 selection(s) fit it")


@pytest.mark.parametrize("name, fits", [
    ("ab", True),
    (" ab\n", True),                 # surrounding whitespace does not count
    ("a…", True),                    # a shortened name
    ("ab plus more words", True),    # the common start is compared
    ("ba", False),
    ("b", False),
    ("", False),
])
def test_a_selections_name_confirms_the_text_it_was_cut_from(name, fits):
    choice = choose_rule([(EMOJI_TEXT, [RawSelection(2, 4, name)])], declared="utf16")
    check = choice.checks["utf16"]
    assert (check.named, check.text_matches) == ((1, int(fits)) if name.strip() else (0, 0))


def test_export_words_name_the_tools_rule():
    assert EXPORT_RULES == {"standard": "codepoints", "codepoints": "codepoints", "nvivo": "utf16", "utf16": "utf16"}


def _utf16_boundaries(text: str) -> list[int]:
    """Where each character starts in UTF-16 code units (and the text's end), from the encoder itself."""
    return [len(text[:k].encode("utf-16-le")) // 2 for k in range(len(text) + 1)]


@pytest.mark.parametrize("text", [
    "😀ab",                                  # 3 code points, 4 units
    "a😀😀bc😀d𠀀e",                          # astral characters side by side and at the ends of runs
    "😀" * 300 + "ab",                       # more than 256 of them: offsets past the small-int range
    "ab" * 150 + "😀c😀" + "好" * 10,          # the first astral character after 300 plain ones
])
def test_utf16_offsets_match_the_utf16_encoding_of_the_text(text):
    units = OffsetMap(text, "utf16")
    bounds = _utf16_boundaries(text)
    assert units.units == bounds[-1] == len(text.encode("utf-16-le")) // 2
    assert [units.to_units(k) for k in range(len(text) + 1)] == bounds
    at = {u: k for k, u in enumerate(bounds)}
    # every unit offset is a character boundary (its code point) or inside a surrogate pair (None)
    assert [units.to_chars(u) for u in range(-1, units.units + 2)] == [at.get(u) for u in range(-1, units.units + 2)]


def test_the_flags_and_the_writers_word_are_passed_by_name():
    # Three booleans / strings in a row are easy to swap: they are keyword-only.
    with pytest.raises(TypeError):
        expected_rule("NVivo 14", True, False)
    with pytest.raises(TypeError):
        choose_rule([(EMOJI_TEXT, [])], "NVivo for Windows")
    assert expected_rule(origin="NVivo 14", upper_sources=False, bom=True)[0] == "utf16"


def test_without_a_writers_word_a_better_fit_for_the_standard_says_so():
    # "ab" at code points 1-3; read as UTF-16 units, 1-3 would split the first emoji.
    chosen = choose_rule([(EMOJI_TEXT, [RawSelection(1, 3, "ab")])], origin="NVivo 14")
    assert chosen.rule == "codepoints"
    assert chosen.reason == "origin 'NVivo 14' does not say which NVivo wrote it; the selections fit codepoints better"


def test_a_selection_that_cannot_be_placed_does_not_stop_the_count_of_the_others():
    sources = [(EMOJI_TEXT, [RawSelection(3, 3, "x"), RawSelection(1, 3, "splits"), RawSelection(2, 4, "ab")]),
               ("plain", [RawSelection(0, 5, "plain")])]
    check = choose_rule(sources, declared="utf16").checks["utf16"]
    assert (check.fits, check.named, check.text_matches) == (2, 2, 2)


def test_a_name_never_matches_a_selection_of_only_whitespace():
    text = "😀a   b"                              # units 3-6 are the three spaces
    check = choose_rule([(text, [RawSelection(3, 6, "a b")])], declared="utf16").checks["utf16"]
    assert (check.fits, check.named, check.text_matches) == (1, 1, 0)


def test_names_are_compared_over_their_first_40_characters():
    piece = "x" * 39 + "A" + "tail of the selected text"
    text = "😀" + piece

    def matches(name: str) -> int:
        return choose_rule([(text, [RawSelection(2, 2 + len(piece), name)])], declared="utf16").checks["utf16"].text_matches
    assert matches("x" * 39 + "A" + "a different tail") == 1     # the first 40 agree: the same selection
    assert matches("x" * 39 + "B" + "tail of the selected text") == 0   # the 40th differs


def test_a_selection_and_a_choice_cannot_be_changed_once_made():
    sel = RawSelection(2, 4, "ab")
    assert {sel, RawSelection(2, 4, "ab")} == {sel}                 # a value: hashable, equal by content
    choice = choose_rule([(EMOJI_TEXT, [sel])], declared="utf16")
    with pytest.raises(dataclasses.FrozenInstanceError):
        choice.rule = "codepoints"
    with pytest.raises(dataclasses.FrozenInstanceError):
        sel.start = 0


@pytest.mark.parametrize("rule", ["utf8", "UTF16", "nvivo", ""])
def test_an_unknown_counting_rule_is_refused_not_read_as_code_points(rule):
    with pytest.raises(ValueError, match=f"must be one of codepoints, utf16. Got {rule!r}"):
        OffsetMap(EMOJI_TEXT, rule)
