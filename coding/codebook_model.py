"""The codebook's data model: codes with labels, definitions, terms, examples and links, validated by
pydantic into an immutable `Codebook` (reading and checking a file: `coding.codebook`)."""
from __future__ import annotations

import hashlib
import json
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

CodeKind = Literal["problem", "cause", "recommendation", "need", "satisfaction", "theme"]
CODE_KINDS: tuple[str, ...] = ("problem", "cause", "recommendation", "need", "satisfaction", "theme")
LANGS: tuple[str, ...] = ("zh", "en")
ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]*$")


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
