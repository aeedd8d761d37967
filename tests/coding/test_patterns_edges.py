"""coding/patterns.py at its edges: which literals a pattern requires (the caps on repetition and
alternatives met exactly), which shapes can backtrack catastrophically, and what PatternSet
reports as a hit. Pattern coding through the rule coder is tests/coding/test_rules.py."""
from __future__ import annotations

import pytest

from qualmine.coding.codebook import parse_codebook
from qualmine.coding.patterns import MAX_ALTERNATIVES, PatternSet, compile_error, nested_quantifier, required_literals


@pytest.mark.parametrize("pattern, literals", [
    ("ab{0,2}c", {"ac", "abc", "abbc"}),     # up to two repeats are multiplied out
    ("ab{1,2}c", {"abc", "abbc"}),
    ("ab{2}c", {"abbc"}),
    ("ab{0,3}c", {"a"}),                     # three repeats end the run: 'a' and 'c' remain, 'a' first
    ("(ab)?cd", {"cd", "abcd"}),
    ("(ab){1,2}", {"ab", "abab"}),
    ("a(b|c)d", {"abd", "acd"}),
    ("AbC", {"abc"}),                        # lower-cased: the prefilter scans lower-cased text
    ("[Xy]z", {"xz", "yz"}),
    ("(?=x)abc", {"abc"}),                   # zero-width items do not end a run
    (r"\bword\b", {"word"}),
    ("(?<!不)满意", {"满意"}),
    ("x+yz", {"xyz"}),                       # x+ starts with one x
    ("x*yz", {"yz"}),
    ("a.bcd", {"bcd"}),                      # the longest run wins
    ("ab.cd.e", {"ab"}),                     # on a tie, the first
    ("(?i:ab)cd", {"cd"}),                   # a group with flags is not read
])
def test_required_literals(pattern, literals):
    assert required_literals(pattern) == literals


@pytest.mark.parametrize("pattern", ["x?", "(ab)?", "[0-9]+", ".*", r"\w+", "[a-c]", "(", ""])
def test_patterns_without_a_required_literal_run_on_every_text(pattern):
    assert required_literals(pattern) is None


def test_alternatives_are_multiplied_out_up_to_the_cap():
    six = "[ab]" * 6                                     # 2**6 = 64 strings: still one run
    assert MAX_ALTERNATIVES == 64 and len(required_literals(six)) == 64
    seven = "[ab]" * 6 + "[cd]"                           # 128: the run stops before the seventh class
    assert required_literals(seven) == required_literals(six)
    assert required_literals("(" + "|".join(f"w{i:02d}" for i in range(65)) + ")") is None
    assert len(required_literals("(" + "|".join(f"w{i:02d}" for i in range(64)) + ")")) == 64
    assert required_literals("([ab][cd][ef][gh]){0,2}xyz") == {"xyz"}     # 1 + 16 + 256 alternatives: too many


@pytest.mark.parametrize("pattern, flagged", [
    ("(a+)+$", True),
    ("(a*)*", True),
    ("(a|b+)*", True),
    ("(?:x+y)*", True),
    ("(a{2,3})+", True),
    ("(?=a+)+", True),
    ("(?!a+)*b", True),
    (r"(\w+\s?)+$", True),
    ("((a+)b)+", True),
    ("(ab){3}", False),      # fixed counts
    ("(a{2})+", False),
    ("(a?)+", False),        # a lone optional item inside a repetition
    ("(a+){3}", False),      # the outer repetition is bounded
    ("(a{1,2}){2,3}", False),
    ("a{2,5}", False),
    ("((a)+)", False),
    ("[", False),            # not parsable: compile_error reports it
])
def test_nested_quantifiers(pattern, flagged):
    assert (nested_quantifier(pattern) is not None) is flagged


def test_compile_error_says_why_or_none():
    assert "unterminated character set" in compile_error("[")
    assert compile_error("(流程|手续).{0,4}(复杂|麻烦)") is None


BOOK = parse_codebook(r"""
name: patterns
codes:
  - id: P-PROC
    kind: problem
    label: {zh: 手续}
    patterns: {zh: ['(流程|手续).{0,4}(复杂|麻烦)', '跑了?[两三]趟'], en: ['Paper ?work']}
  - id: P-ANY
    kind: problem
    label: {zh: 任何}
    patterns: {zh: ['x*'], en: ['\d{3,}']}
""")


def hits(lang: str, text: str, excluded: set[int] = frozenset()) -> dict[int, list[tuple[int, int, str]]]:
    found: dict = {}
    PatternSet(BOOK, lang).find(text, text.lower(), found, set(excluded))
    return {i: [(h[0], h[1], h[2]) for h in hs] for i, hs in found.items()}


def test_pattern_hits_carry_their_span_and_source_and_empty_matches_do_not_count():
    assert hits("zh", "手续太复杂，跑了三趟") == {0: [(0, 5, "(流程|手续).{0,4}(复杂|麻烦)"), (6, 10, "跑了?[两三]趟")]}
    assert hits("zh", "没什么") == {}                      # 'x*' matches '' everywhere: no hit
    assert hits("zh", "xx好") == {1: [(0, 2, "x*")]}


def test_the_prefilter_reads_lower_case_and_patterns_match_ignoring_case():
    assert hits("en", "PAPERWORK again") == {0: [(0, 9, "Paper ?work")]}
    assert hits("en", "call 12345") == {1: [(5, 10, r"\d{3,}")]}   # no literal: runs on every text


def test_an_excluded_code_gets_no_pattern_hit():
    assert hits("zh", "手续太复杂", excluded={0}) == {}


def test_a_pattern_set_knows_its_always_run_patterns_and_literals():
    zh = PatternSet(BOOK, "zh")
    assert zh.always == [2] and zh.literals == {"流程", "手续", "跑两趟", "跑了两趟", "跑三趟", "跑了三趟"}
    assert zh.code_ids == ["P-PROC", "P-ANY"]
