"""Issue #17 items 3, 6, 7: codebook regexes, YAML aliases and zip archives cannot hang or blow up a run."""
from __future__ import annotations

import time
import zipfile

import pytest
from typer.testing import CliRunner

from qualmine.coding import patterns, rules
from qualmine.coding.codebook import Codebook, CodebookError, parse_codebook
from qualmine.flows.cli.app import app

CODEBOOK = """name: hostile
version: 1
codes:
  - id: slow
    label: {en: Slow}
    kind: problem
    patterns: {en: [%s]}
"""


def _book(pattern: str) -> Codebook:
    # Built without `parse_codebook`'s checks: what a run would get if a pattern slipped past them.
    return Codebook.model_validate({"name": "hostile", "version": "1", "codes": [
        {"id": "slow", "label": {"en": "Slow"}, "kind": "problem", "patterns": {"en": [pattern], "zh": [pattern]}}]})


@pytest.mark.parametrize("pattern", [r"(a+)+$", r"(\w+\s?)+$"])
def test_codebook_check_flags_nested_quantifiers(tmp_path, pattern):
    path = tmp_path / "book.yaml"
    path.write_text(CODEBOOK % f"'{pattern}'", encoding="utf-8")
    result = CliRunner().invoke(app, ["codebook", "check", str(path)])
    assert result.exit_code == 1
    output = result.output.replace("\n", "")
    assert "code slow" in output and "unbounded repetition" in output and repr(pattern) in output


@pytest.mark.parametrize("pattern, text", [(r"(a+)+$", "a" * 40 + "b"), (r"(\w+\s?)+$", "abcdefghijklmnopqrstuvwx!")])
def test_the_issue_patterns_no_longer_hang(pattern, text):
    coder = rules.RuleCoder(_book(pattern))
    started = time.monotonic()
    try:
        coder.code_text("s1", 0, text, "en")
    except patterns.PatternTimeout:
        pass
    assert time.monotonic() - started < 10   # with `re`: minutes to forever


def test_a_slow_pattern_fails_with_code_id_and_pattern(monkeypatch):
    monkeypatch.setattr(patterns, "PATTERN_TIMEOUT", 0.05)
    coder = rules.RuleCoder(_book(r"(a|aa)+$"))   # overlapping alternatives: not a nested quantifier
    with pytest.raises(patterns.PatternTimeout, match=r"code slow: pattern '\(a\|aa\)\+\$' took more than"):
        coder.code_text("s1", 0, "a" * 60 + "b", "en")


def test_a_nested_quantifier_arriving_in_a_qdc_is_refused(tmp_path):
    from qualmine.outputs.refi.codebook import read_qdc, write_qdc
    from qualmine.outputs.refi.common import RefiError

    qdc = write_qdc(_book(r"(a+)+$"), tmp_path / "book.qdc")
    with pytest.raises((RefiError, CodebookError), match=r"unbounded repetition"):
        read_qdc(qdc)


BOMB = """a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
"""


def test_codebook_alias_bomb_is_refused_at_its_first_alias(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text("name: bomb\nversion: 1\n" + BOMB + "codes: *h\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["codebook", "check", str(path)])
    assert result.exit_code == 1 and "YAML aliases (*a) are not allowed" in result.output.replace("\n", "")
    assert len(result.output) < 2000


def test_manifest_alias_bomb_is_refused(tmp_path):
    from qualmine.corpus import CorpusError
    from qualmine.corpus.manifest import load_manifest

    path = tmp_path / "manifest.yaml"
    path.write_text(BOMB + "files: *h\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"line 2: invalid YAML \(YAML aliases \(\*a\) are not allowed"):
        load_manifest(path)


def test_qdc_description_alias_bomb_is_refused():
    from qualmine.outputs.refi.common import BLOCK_MARKER, RefiError, split_description

    with pytest.raises(RefiError, match="aliases"):
        split_description(f"About\n\n{BLOCK_MARKER}\n" + BOMB, "book.qdc", 3)


def _zip(path, entries):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return path


def test_a_docx_that_inflates_past_the_cap_is_rejected_with_a_reason(tmp_path, monkeypatch):
    from qualmine.corpus import archives
    from qualmine.corpus.ingest import ingest_corpus

    monkeypatch.setattr(archives, "MAX_INFLATED_BYTES", 1_000_000)
    # Many small entries: no single one is large, the sum is (the old cap was per entry, and .docx had none).
    _zip(tmp_path / "bomb.docx", [(f"word/media/{i}.bin", b"\0" * 100_000) for i in range(20)])
    (tmp_path / "fine.txt").write_text("受访者：社区服务很好。\n", encoding="utf-8")
    corpus = ingest_corpus(tmp_path)
    report = {r.source_file: r for r in corpus.report}
    assert report["bomb.docx"].status == "rejected" and "inflates to 2000000 bytes" in report["bomb.docx"].reason


def test_a_qdpx_whose_sources_share_one_entry_is_capped_in_total(tmp_path, monkeypatch):
    from qualmine.outputs.refi import project_import
    from qualmine.outputs.refi.common import RefiError

    monkeypatch.setattr(project_import, "MAX_INFLATED_BYTES", 1_000_000)
    # Three sources naming one 400 kB entry read it three times: the budget counts every read.
    member = zipfile.ZipFile(_zip(tmp_path / "a.zip", [("Sources/one.txt", "x" * 400_000)]))
    with pytest.raises(RefiError, match="past the 1000000 bytes allowed"):
        for _ in range(3):
            project_import._member(member, "Sources/one.txt", "a.qdpx")
    member.close()
    many = _zip(tmp_path / "many.qdpx", [(f"Sources/{i}.txt", "") for i in range(20)])
    from qualmine.corpus import archives

    monkeypatch.setattr(archives, "MAX_ENTRIES", 10)
    with pytest.raises(RefiError, match="20 entries, more than the 10 allowed"):
        project_import.read_qdpx(many, "ana")


def test_an_invalid_kind_no_longer_hides_the_codes_other_problems():
    text = (CODEBOOK % "'(a+)+$', '('").replace("kind: problem", "kind: gripe")
    with pytest.raises(CodebookError) as exc:
        parse_codebook(text)
    fields = sorted(p.field for p in exc.value.problems)
    assert fields == ["kind", "patterns.en.0", "patterns.en.1"], exc.value.problems


def test_a_deep_parent_chain_is_checked_in_linear_time():
    from qualmine.coding.codebook import Code
    from qualmine.coding.codebook_check import parent_cycles

    depth = 3000   # the old walk was cubic in depth: 2,000 levels took 15 s
    codes = [(i, Code.model_validate({"id": f"C{i}", "kind": "theme", "label": {"en": f"c{i}"},
                                      "parent": f"C{i - 1}" if i else None})) for i in range(depth)]
    by_id = {code.id: code for _, code in codes}
    started = time.monotonic()
    assert parent_cycles(codes, by_id, locate=None) == []
    assert time.monotonic() - started < 2
    looped = "\n".join(f"  - {{id: C{i}, kind: theme, label: {{en: c{i}}}, parent: C{(i - 1) % 3}}}" for i in range(3))
    with pytest.raises(CodebookError, match="parent cycle"):
        parse_codebook(f"name: loop\nversion: 1\ncodes:\n{looped}\n")


def test_a_qdpx_entry_with_a_bad_checksum_is_an_error_not_a_traceback(tmp_path):
    from qualmine.outputs.refi.common import RefiError
    from qualmine.outputs.refi.project_import import read_qdpx

    path = tmp_path / "bad.qdpx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr("project.qde", b'<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="x"/>')
    raw = bytearray(path.read_bytes())
    at = raw.find(b'name="x"')
    raw[at + 6] = ord("y")                      # the stored bytes no longer match their CRC-32
    path.write_bytes(bytes(raw))
    with pytest.raises(RefiError, match="project.qde is damaged"):
        read_qdpx(path, "ana")
