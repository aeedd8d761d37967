"""Codebook validation: every problem reported at once, with line numbers and code ids."""
from __future__ import annotations

import textwrap

import pytest

from qualmine.coding.codebook import CodebookError, dump_codebook, load_codebook, parse_codebook

GOOD = textwrap.dedent("""\
    name: Test book
    version: 2
    codes:
      - id: P-HOURS
        kind: problem
        label: {zh: 开放时间不合理, en: Opening hours}
        keywords: {zh: [开放时间], en: [opening hours]}
        patterns: {zh: ['排队.{0,4}久']}
        causes: [C-STAFF]
        recommendations: [R-HOURS]
      - id: C-STAFF
        kind: cause
        label: {zh: 人手不足}
        recommendations: [R-HOURS]
      - id: R-HOURS
        kind: recommendation
        label: {en: Extend opening hours}
      - id: P-HOURS-WEEKEND
        kind: problem
        parent: P-HOURS
        label: {zh: 周末不开放}
    """)


def problems_of(text: str) -> list:
    with pytest.raises(CodebookError) as info:
        parse_codebook(text, source="book.yaml")
    return info.value.problems


def test_valid_codebook_loads_with_links_and_hierarchy():
    book = parse_codebook(GOOD)
    assert book.ids == ("P-HOURS", "C-STAFF", "R-HOURS", "P-HOURS-WEEKEND")
    assert book.code("P-HOURS").causes == ("C-STAFF",)
    assert book.code("P-HOURS-WEEKEND").parent == "P-HOURS"
    assert book.code("C-STAFF").label.get("en") == "人手不足"   # falls back to the other language
    assert [c.id for c in book.of_kind("problem")] == ["P-HOURS", "P-HOURS-WEEKEND"]


def test_fingerprint_is_stable_and_content_sensitive():
    assert parse_codebook(GOOD).fingerprint() == parse_codebook(GOOD).fingerprint()
    assert parse_codebook(GOOD).fingerprint() != parse_codebook(GOOD.replace("version: 2", "version: 3")).fingerprint()


def test_dump_round_trips():
    book = parse_codebook(GOOD)
    assert parse_codebook(dump_codebook(book)) == book


def test_unknown_field_names_line_and_code():
    [problem] = problems_of(GOOD.replace("    label: {en: Extend opening hours}",
                                         "    label: {en: Extend opening hours}\n    colour: red"))
    assert (problem.source, problem.line, problem.code_id, problem.field) == ("book.yaml", 18, "R-HOURS", "colour")
    assert "unknown field" in problem.message
    assert str(problem).startswith("book.yaml:18: code R-HOURS [colour]")


def test_all_problems_reported_at_once():
    bad = GOOD.replace("causes: [C-STAFF]", "causes: [C-MISSING, R-HOURS]") \
              .replace("kind: cause", "kind: causes") \
              .replace("'排队.{0,4}久'", "'排队(久'") \
              .replace("  - id: P-HOURS-WEEKEND", "  - id: P-HOURS")
    problems = problems_of(bad)
    messages = [(p.line, p.code_id, p.field, p.message) for p in problems]
    assert any(f == "causes.0" and "C-MISSING" in m and "not a code" in m for _, _, f, m in messages)
    assert any(f == "causes.1" and "must be cause codes" in m for _, _, f, m in messages)
    assert any(f == "kind" and cid == "C-STAFF" and line == 12 for line, cid, f, _ in messages)
    assert any(f == "patterns.zh.0" and "invalid regular expression" in m for _, _, f, m in messages)
    assert any(f == "id" and "duplicate id 'P-HOURS'" in m and line == 18 for line, _, f, m in messages)
    # problems are listed in file order
    assert [p.line for p in problems] == sorted(p.line for p in problems)


def test_missing_parent_and_parent_cycles():
    text = textwrap.dedent("""\
        name: cycles
        codes:
          - {id: A, kind: theme, label: {en: a}, parent: B}
          - {id: B, kind: theme, label: {en: b}, parent: A}
          - {id: C, kind: theme, label: {en: c}, parent: NOPE}
        """)
    problems = problems_of(text)
    assert any("parent cycle: A -> B -> A" in p.message and p.line == 3 for p in problems)
    assert any(p.code_id == "C" and "parent 'NOPE'" in p.message for p in problems)


def test_wrong_kind_of_link_owner():
    text = textwrap.dedent("""\
        name: kinds
        codes:
          - {id: N-X, kind: need, label: {en: x}, causes: [C-Y], recommendations: [R-Z]}
          - {id: C-Y, kind: cause, label: {en: y}}
          - {id: R-Z, kind: recommendation, label: {en: z}}
        """)
    fields = {p.field: p.message for p in problems_of(text)}
    assert "only problem codes list causes" in fields["causes"]
    assert "only problem, cause and theme codes" in fields["recommendations"]


def test_label_needs_a_language_and_yaml_errors_have_lines():
    assert any(p.field == "label" for p in problems_of("name: x\ncodes:\n  - {id: A, kind: theme, label: {}}\n"))
    [problem] = problems_of("name: x\ncodes:\n  - id: A\n   kind: theme\n")
    assert problem.field == "yaml" and problem.line == 4


def test_load_codebook_missing_file(tmp_path):
    with pytest.raises(CodebookError, match="file not found"):
        load_codebook(tmp_path / "nope.yaml")


def test_shipped_example_codebook_is_valid():
    from qualmine.codebooks import EXAMPLE_CODEBOOK

    if not EXAMPLE_CODEBOOK.exists():
        pytest.fail("the example codebook must ship with the repo")
    book = load_codebook(EXAMPLE_CODEBOOK)
    assert {"P-OPERATION", "P-PARTICIPATION", "P-CULTURE"} <= set(book.ids)
    assert all(book.code(p).causes for p in ("P-OPERATION", "P-PARTICIPATION", "P-CULTURE"))


def test_counter_examples_load_validate_and_round_trip():
    text = GOOD.replace("    causes: [C-STAFF]\n",
                        "    examples: [排队排了一上午]\n    counter_examples: [去办事很快, Seen straight away]\n"
                        "    causes: [C-STAFF]\n")
    assert text != GOOD
    book = parse_codebook(text)
    assert book.code("P-HOURS").counter_examples == ("去办事很快", "Seen straight away")
    assert parse_codebook(dump_codebook(book)) == book
    problems = problems_of(text.replace("[去办事很快, Seen straight away]", "['  ', 排队排了一上午]"))
    assert [(p.code_id, p.field, p.line) for p in problems] == [("P-HOURS", "counter_examples.0", 10),
                                                                 ("P-HOURS", "counter_examples.1", 10)]
    assert "empty quote" in problems[0].message and "also one of this code's examples" in problems[1].message
    [bad_type] = problems_of(text.replace("[去办事很快, Seen straight away]", "{zh: 去办事很快}"))
    assert bad_type.field == "counter_examples"


def test_fingerprint_without_counter_examples_is_the_one_stores_already_know():
    import hashlib

    book = parse_codebook(GOOD)
    before_the_field = book.model_dump_json(exclude={"codes": {"__all__": {"counter_examples"}}})
    assert book.fingerprint() == hashlib.sha256(before_the_field.encode("utf-8")).hexdigest()[:16]
    with_counter = parse_codebook(GOOD.replace("    causes: [C-STAFF]\n",
                                               "    counter_examples: [很快]\n    causes: [C-STAFF]\n"))
    assert with_counter.fingerprint() != book.fingerprint()
