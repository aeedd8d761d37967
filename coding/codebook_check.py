"""Checking a codebook file: every problem collected at once, each with the file, the YAML line, the
code id and the field (what `codebook check` prints and `CodebookError` carries)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import ValidationError

from qualmine import QualmineError
from qualmine.coding.codebook_model import CODE_KINDS, LANGS, ID_RE, Code, LangTerms
from qualmine.coding.patterns import compile_error, nested_quantifier
from qualmine.corpus.yaml_safe import safe_compose


@dataclass(frozen=True)
class CodebookProblem:
    source: str
    line: int | None
    code_id: str | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        who = f" code {self.code_id}" if self.code_id else ""
        return f"{where}:{who} [{self.field}] {self.message}"


class CodebookError(QualmineError, ValueError):
    """All problems found in one codebook file."""

    def __init__(self, problems: list[CodebookProblem]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s) in codebook:\n{lines}")


def pydantic_message(err: dict[str, Any]) -> str:
    if err["type"] == "extra_forbidden":
        return "unknown field (check the spelling; see codebooks/README.md for the format)"
    if err["type"] == "literal_error":
        return f"must be one of {', '.join(CODE_KINDS)}; got {err.get('input')!r}"
    return f"{err['msg']}; got {err.get('input')!r}" if "input" in err and not isinstance(err.get("input"), dict) else err["msg"]


class Locator:
    """Maps a pydantic location (('codes', 3, 'parent')) to the YAML line and the code id."""

    def __init__(self, text: str, data: dict, source: str):
        self.text, self.data, self.source = text, data, source
        self._root: yaml.Node | None = None

    @property
    def root(self) -> yaml.Node | None:
        # The node tree (with line marks) is only needed to report a problem: built on the first one.
        if self._root is None:
            self._root = safe_compose(self.text)
        return self._root

    def line(self, loc: tuple) -> int | None:
        node, best = self.root, None
        for key in loc:
            if node is None:
                break
            best = node.start_mark.line + 1
            if isinstance(node, yaml.MappingNode):
                match = [(k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(key)]
                if not match:
                    break
                best = match[0][0].start_mark.line + 1
                node = match[0][1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
                node = node.value[key]
            else:
                break
        else:
            if node is not None:
                best = node.start_mark.line + 1
        return best

    def problem(self, loc: tuple, message: str) -> CodebookProblem:
        code_id = None
        if len(loc) >= 2 and loc[0] == "codes" and isinstance(loc[1], int):
            codes = self.data.get("codes") or []
            if isinstance(codes, list) and loc[1] < len(codes) and isinstance(codes[loc[1]], dict):
                code_id = codes[loc[1]].get("id")
            field = ".".join(str(p) for p in loc[2:]) or "code"
        else:
            field = ".".join(str(p) for p in loc) or "file"
        return CodebookProblem(self.source, self.line(loc), code_id, field, message)


def without_bad_fields(raw: Any, exc: ValidationError) -> Code | None:
    """The code with its invalid fields replaced by placeholders, to check the rest; None if that fails too."""
    if not isinstance(raw, dict):
        return None
    bad = {err["loc"][0] for err in exc.errors() if err["loc"]}
    placeholders = {"id": "invalid", "kind": "theme", "label": {"en": "invalid"}}
    partial = {k: v for k, v in raw.items() if k not in bad and k in Code.model_fields}
    for key, value in placeholders.items():
        partial.setdefault(key, value)
    try:
        return Code.model_validate(partial)
    except ValidationError:
        return None


def term_problems(i: int, code: Code, locate: Locator) -> list[CodebookProblem]:
    """Empty terms, invalid regular expressions and patterns that can backtrack catastrophically."""
    problems = []
    at = ("codes", i)
    for kind in ("keywords", "patterns", "exclude"):
        terms: LangTerms = getattr(code, kind)
        for lang in LANGS:
            for j, term in enumerate(terms.for_lang(lang)):
                if not term.strip():
                    problems.append(locate.problem(at + (kind, lang, j), "empty term"))
                elif kind == "patterns":
                    error = compile_error(term)
                    nested = None if error else nested_quantifier(term)
                    if error:
                        problems.append(locate.problem(at + (kind, lang, j), f"invalid regular expression {term!r}: {error}"))
                    elif nested:
                        problems.append(locate.problem(at + (kind, lang, j), f"regular expression {term!r} has {nested}: "
                                                       "it can take exponential time on an answer it does not match; "
                                                       "rewrite it, e.g. (\\w+\\s?)+ as [\\w\\s]+"))
    return problems


def cross_check(codes: list[tuple[int, Code]], known_ids: set[str], locate: Locator) -> list[CodebookProblem]:
    problems: list[CodebookProblem] = []
    by_id: dict[str, Code] = {}
    for i, code in codes:
        at = ("codes", i)
        if not ID_RE.match(code.id):
            problems.append(locate.problem(at + ("id",), "id must start with a letter and use only letters, digits, '-', '_', '.'"))
        if code.id in by_id:
            problems.append(locate.problem(at + ("id",), f"duplicate id {code.id!r} (ids must be unique)"))
        by_id.setdefault(code.id, code)
        if not (code.label.zh or code.label.en):
            problems.append(locate.problem(at + ("label",), "a label needs at least one of zh or en"))
        for kind in ("examples", "counter_examples"):
            for j, quote in enumerate(getattr(code, kind)):
                if not quote.strip():
                    problems.append(locate.problem(at + (kind, j), "empty quote"))
        overlap = set(code.examples) & set(code.counter_examples)
        for j, quote in enumerate(code.counter_examples):
            if quote in overlap:
                problems.append(locate.problem(at + ("counter_examples", j),
                                               f"{quote!r} is also one of this code's examples"))
        problems.extend(term_problems(i, code, locate))
    for i, code in codes:
        at = ("codes", i)
        if code.parent is not None and code.parent not in known_ids:
            problems.append(locate.problem(at + ("parent",), f"parent {code.parent!r} is not a code in this codebook"))
        if code.causes and code.kind != "problem":
            problems.append(locate.problem(at + ("causes",), f"only problem codes list causes; this code is a {code.kind}"))
        if code.recommendations and code.kind not in ("problem", "cause", "theme"):
            problems.append(locate.problem(at + ("recommendations",), f"only problem, cause and theme codes list recommendations; this code is a {code.kind}"))
        for link, want in (("causes", "cause"), ("recommendations", "recommendation")):
            for j, target in enumerate(getattr(code, link)):
                if target not in known_ids:
                    problems.append(locate.problem(at + (link, j), f"links to {target!r}, which is not a code in this codebook"))
                elif target in by_id and by_id[target].kind != want:
                    problems.append(locate.problem(at + (link, j), f"links to {target!r}, a {by_id[target].kind} code; {link} must be {want} codes"))
    problems.extend(parent_cycles(codes, by_id, locate))
    return problems


def parent_cycles(codes: list[tuple[int, Code]], by_id: dict[str, Code], locate: Locator) -> list[CodebookProblem]:
    # Linear in the number of codes: a code whose ancestors were already walked is not walked again
    # (walking every chain from scratch with a list lookup was cubic in depth: 2,000 levels took 15 s).
    problems, reported, done = [], set(), set()
    for i, code in codes:
        chain, on_chain, current = [code.id], {code.id: 0}, code.parent
        while current is not None and current in by_id and current not in done:
            if current in on_chain:
                cycle = chain[on_chain[current]:] + [current]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    problems.append(locate.problem(("codes", i, "parent"), "parent cycle: " + " -> ".join(cycle)))
                break
            on_chain[current] = len(chain)
            chain.append(current)
            current = by_id[current].parent
        done.update(chain)
    return problems
