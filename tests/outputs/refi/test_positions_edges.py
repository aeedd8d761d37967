"""outputs/refi/positions.py at its edges: the ends of a text, selections that are empty or one
unit too long, the writer's identity, and the choice when the evidence ties or contradicts it.
The round trips through real .qdpx files are tests/outputs/refi/test_refi_tools.py."""
from __future__ import annotations

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
