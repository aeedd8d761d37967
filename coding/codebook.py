"""Codebook model: a YAML file validated with pydantic into an immutable `Codebook`.

Every problem in a file is collected and reported at once (like spaCy's `Matcher.add`), each
with the file, the line, the code id and the field, so a researcher fixes them in one pass.
"""
from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from qualmine.coding.codebook_check import (CodebookError, CodebookProblem, Locator, cross_check, pydantic_message,
                                            term_problems, without_bad_fields)
from qualmine.coding.codebook_model import CODE_KINDS, LANGS, Code, Codebook, CodeKind, LangTerms, LangText
from qualmine.corpus.yaml_safe import safe_load

__all__ = ["CODE_KINDS", "LANGS", "Code", "CodeKind", "Codebook", "CodebookError", "CodebookProblem", "LangTerms",
           "LangText", "dump_codebook", "load_codebook", "parse_codebook"]


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
    locate = Locator(text, data, source)
    # Validate each code on its own so one bad code does not hide the problems of the others.
    problems: list[CodebookProblem] = []
    raw_codes = data.get("codes")
    codes: list[tuple[int, Code]] = []
    if isinstance(raw_codes, list):
        for i, raw in enumerate(raw_codes):
            try:
                codes.append((i, Code.model_validate(raw)))
            except ValidationError as exc:
                problems.extend(locate.problem(("codes", i) + tuple(err["loc"]), pydantic_message(err)) for err in exc.errors())
                # The code's other fields are still checked (an invalid kind used to hide a bad pattern).
                partial = without_bad_fields(raw, exc)
                if partial is not None:
                    problems.extend(term_problems(i, partial, locate))
    try:
        Codebook.model_validate({**data, "codes": [c for _, c in codes]})
    except ValidationError as exc:
        problems.extend(locate.problem(tuple(err["loc"]), pydantic_message(err)) for err in exc.errors()
                        if not (err["loc"] and err["loc"][0] == "codes" and len(err["loc"]) > 1))
    if raw_codes is not None and not isinstance(raw_codes, list):
        problems.append(locate.problem(("codes",), "expected a list of codes"))
    elif not raw_codes and "codes" in data:
        problems.append(locate.problem(("codes",), "a codebook needs at least one code"))
    # Ids of codes that failed validation still count as existing, so links to them are not misreported.
    known_ids = {raw.get("id") for raw in raw_codes or [] if isinstance(raw, dict) and isinstance(raw.get("id"), str)}
    problems.extend(cross_check(codes, known_ids, locate))
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
