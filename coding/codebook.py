"""Codebook model: a YAML file validated with pydantic into an immutable `Codebook`.

Every problem in a file is collected and reported at once (like spaCy's `Matcher.add`), each
with the file, the line, the code id and the field, so a researcher fixes them in one pass.
"""
from __future__ import annotations

from qualmine import QualmineError
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from qualmine.coding.patterns import compile_error, nested_quantifier
from qualmine.corpus.yaml_safe import safe_compose, safe_load

CodeKind = Literal["problem", "cause", "recommendation", "need", "satisfaction", "theme"]
CODE_KINDS: tuple[str, ...] = ("problem", "cause", "recommendation", "need", "satisfaction", "theme")
LANGS: tuple[str, ...] = ("zh", "en")
_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LangText(_Strict):
    """A text in Chinese and/or English."""

    zh: str | None = None
    en: str | None = None

    def get(self, lang: str, fallback: bool = True) -> str | None:
        value = getattr(self, lang, None)
        if value or not fallback:
            return value
        return self.zh or self.en


class LangTerms(_Strict):
    """Terms (keywords, regular expressions, exclusions) per language."""

    zh: tuple[str, ...] = ()
    en: tuple[str, ...] = ()

    def for_lang(self, lang: str) -> tuple[str, ...]:
        return getattr(self, lang, ())

    def __bool__(self) -> bool:
        return bool(self.zh or self.en)


class Code(_Strict):
    """One code of the codebook."""

    id: str
    kind: CodeKind
    label: LangText
    definition: LangText = Field(default_factory=LangText)
    parent: str | None = None
    keywords: LangTerms = Field(default_factory=LangTerms)
    patterns: LangTerms = Field(default_factory=LangTerms)
    exclude: LangTerms = Field(default_factory=LangTerms)
    examples: tuple[str, ...] = ()
    counter_examples: tuple[str, ...] = ()   # quotes the code must NOT catch (semantic coding, reviewers)
    causes: tuple[str, ...] = ()
    recommendations: tuple[str, ...] = ()

    def display_label(self, lang: str = "zh") -> str:
        return self.label.get(lang) or self.id


_INDEXES: dict[int, tuple] = {}     # id(codebook.codes) -> Codebook._lookup's index
_MAX_INDEXES = 16


class Codebook(_Strict):
    """A validated codebook. Build it with `load_codebook` or `parse_codebook`."""

    name: str
    version: int | str = 1
    description: str | None = None
    codes: tuple[Code, ...]
    def _lookup(self) -> tuple:
        """(codes, {id: code}, {parent: [child ids]}, ids, {id: first position}), built once per `codes` tuple.

        Lookups by id were linear scans, so a 10,000-code codebook spent most of a run in them
        (issue #17). The index lives outside the model (`_INDEXES`), so equality, hashing and
        dumps of a Codebook stay those of its fields.
        """
        cached = _INDEXES.get(id(self.codes))
        if cached is None or cached[0] is not self.codes:
            by_id: dict[str, Code] = {}
            children: dict[str | None, list[str]] = {}
            for code in self.codes:
                by_id.setdefault(code.id, code)                  # the first of a repeated id, as a scan finds it
                children.setdefault(code.parent, []).append(code.id)
            ids = tuple(c.id for c in self.codes)
            cached = (self.codes, by_id, children, ids, {i: n for n, i in reversed(list(enumerate(ids)))})
            if len(_INDEXES) >= _MAX_INDEXES:
                _INDEXES.pop(next(iter(_INDEXES)))                # the oldest: a few codebooks are in use at once
            _INDEXES[id(self.codes)] = cached                    # holds `codes`: its id is not reused meanwhile
        return cached

    def code(self, code_id: str) -> Code:
        code = self._lookup()[1].get(code_id)
        if code is None:
            raise KeyError(f"code {code_id!r} is not in codebook {self.name!r}")
        return code

    @property
    def ids(self) -> tuple[str, ...]:
        return self._lookup()[3]

    def of_kind(self, kind: str) -> tuple[Code, ...]:
        return tuple(c for c in self.codes if c.kind == kind)

    def lineage(self, code_id: str) -> tuple[Code, ...]:
        """The code and its ancestors along `parent`, nearest first."""
        out, seen, by_id = [self.code(code_id)], {code_id}, self._lookup()[1]
        while out[-1].parent and out[-1].parent not in seen and out[-1].parent in by_id:
            out.append(self.code(out[-1].parent))
            seen.add(out[-1].id)
        return tuple(out)

    def family(self, code_id: str) -> tuple[str, ...]:
        """The code's id and the ids of every code below it along `parent`, in codebook order."""
        self.code(code_id)   # KeyError for an unknown id, as `lineage` gives
        _, _, children, ids, position = self._lookup()
        found, todo = {code_id}, [code_id]
        while todo:      # the family's size, not the codebook's: code_frequency asks for every code's family
            for child in children.get(todo.pop(), ()):
                if child not in found:
                    found.add(child)
                    todo.append(child)
        if len(position) == len(ids):        # ids unique (a valid codebook): order by position, not by a scan
            return tuple(sorted(found, key=position.__getitem__))
        return tuple(i for i in ids if i in found)

    def inherited(self, code_id: str, field: str) -> tuple[str, ...]:
        """A link list (`causes` or `recommendations`), inherited from the nearest ancestor that states one.

        A sub-problem usually shares its parent's causes; it only overrides them by listing its own.
        """
        for code in self.lineage(code_id):
            if getattr(code, field):
                return getattr(code, field)
        return ()

    def fingerprint(self) -> str:
        """Content hash: the same codebook content gives the same value, whatever the file."""
        data = self.model_dump(mode="json")
        for code in data["codes"]:
            if not code.get("counter_examples"):
                # a field added later: a codebook without counter-examples keeps the fingerprint it
                # had before the field existed (stores recognise it as the same version)
                code.pop("counter_examples", None)
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


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


def load_codebook(path: str | Path) -> Codebook:
    """Read and validate a codebook YAML file; raises `CodebookError` listing every problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CodebookError([CodebookProblem(str(path), None, None, "file", "file not found")]) from None
    except UnicodeDecodeError as exc:
        raise CodebookError([CodebookProblem(str(path), None, None, "file", f"not UTF-8 text ({exc.reason})")]) from None
    return parse_codebook(text, source=str(path))


def parse_codebook(text: str, source: str = "<codebook>") -> Codebook:
    """Validate codebook YAML text; raises `CodebookError` listing every problem."""
    try:
        data = safe_load(text)   # aliases refused: no alias bombs (issue #17)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise CodebookError([CodebookProblem(source, line, None, "yaml", f"not valid YAML: {getattr(exc, 'problem', exc)}")]) from None
    if not isinstance(data, dict):
        raise CodebookError([CodebookProblem(source, 1, None, "file", "expected a mapping with 'name' and 'codes'")])
    locate = _Locator(text, data, source)
    # Validate each code on its own so one bad code does not hide the problems of the others.
    problems: list[CodebookProblem] = []
    raw_codes = data.get("codes")
    codes: list[tuple[int, Code]] = []
    if isinstance(raw_codes, list):
        for i, raw in enumerate(raw_codes):
            try:
                codes.append((i, Code.model_validate(raw)))
            except ValidationError as exc:
                problems.extend(locate.problem(("codes", i) + tuple(err["loc"]), _pydantic_message(err)) for err in exc.errors())
                # The code's other fields are still checked (an invalid kind used to hide a bad pattern).
                partial = _without_bad_fields(raw, exc)
                if partial is not None:
                    problems.extend(_term_problems(i, partial, locate))
    try:
        Codebook.model_validate({**data, "codes": [c for _, c in codes]})
    except ValidationError as exc:
        problems.extend(locate.problem(tuple(err["loc"]), _pydantic_message(err)) for err in exc.errors()
                        if not (err["loc"] and err["loc"][0] == "codes" and len(err["loc"]) > 1))
    if raw_codes is not None and not isinstance(raw_codes, list):
        problems.append(locate.problem(("codes",), "expected a list of codes"))
    elif not raw_codes and "codes" in data:
        problems.append(locate.problem(("codes",), "a codebook needs at least one code"))
    # Ids of codes that failed validation still count as existing, so links to them are not misreported.
    known_ids = {raw.get("id") for raw in raw_codes or [] if isinstance(raw, dict) and isinstance(raw.get("id"), str)}
    problems.extend(_cross_check(codes, known_ids, locate))
    if problems:
        problems.sort(key=lambda p: (p.line or 0))
        raise CodebookError(problems)
    return Codebook.model_validate({**data, "codes": [c for _, c in codes]})


def dump_codebook(book: Codebook) -> str:
    """Serialise a codebook to YAML in the documented format (empty fields left out)."""
    data = book.model_dump(mode="json", exclude_none=True)
    for code in data["codes"]:
        for key in list(code):
            if code[key] in ((), [], {}, None) or (isinstance(code[key], dict) and not any(code[key].values())):
                del code[key]
            elif isinstance(code[key], dict):
                code[key] = {k: v for k, v in code[key].items() if v not in ((), [], None)}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def _pydantic_message(err: dict[str, Any]) -> str:
    if err["type"] == "extra_forbidden":
        return "unknown field (check the spelling; see codebooks/README.md for the format)"
    if err["type"] == "literal_error":
        return f"must be one of {', '.join(CODE_KINDS)}; got {err.get('input')!r}"
    return f"{err['msg']}; got {err.get('input')!r}" if "input" in err and not isinstance(err.get("input"), dict) else err["msg"]


class _Locator:
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


def _without_bad_fields(raw: Any, exc: ValidationError) -> Code | None:
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


def _term_problems(i: int, code: Code, locate: _Locator) -> list[CodebookProblem]:
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


def _cross_check(codes: list[tuple[int, Code]], known_ids: set[str], locate: _Locator) -> list[CodebookProblem]:
    problems: list[CodebookProblem] = []
    by_id: dict[str, Code] = {}
    for i, code in codes:
        at = ("codes", i)
        if not _ID_RE.match(code.id):
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
        problems.extend(_term_problems(i, code, locate))
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
    problems.extend(_parent_cycles(codes, by_id, locate))
    return problems


def _parent_cycles(codes: list[tuple[int, Code]], by_id: dict[str, Code], locate: _Locator) -> list[CodebookProblem]:
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
