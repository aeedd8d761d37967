"""Optional `manifest.yaml` in the corpus folder: what each file is and how to read it.

Validation is strict (unknown keys are errors, since a typo like `open_colums:` would otherwise
silently fall back to guessing) and every error names the manifest file, the line, the field
and what was expected. Line numbers come from the YAML node tree (`yaml.compose`), which pydantic
never sees.
"""
from __future__ import annotations

import codecs
from pathlib import Path, PurePosixPath
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator,
)

from qualmine.corpus.errors import CorpusError
from qualmine.corpus.yaml_safe import safe_compose, safe_load

MANIFEST_NAME = "manifest.yaml"
_SURVEY_ONLY = ("id_column", "open_columns", "attribute_columns", "sheet", "sheets")
_TRANSCRIPT_ONLY = ("respondent_id", "attributes", "interviewer_labels")


class FileEntry(BaseModel):
    """One `files:` entry. `kind` defaults to what the file extension says."""

    model_config = ConfigDict(extra="forbid")

    path: str = Field(min_length=1)
    kind: Literal["survey", "transcript"] | None = None
    # surveys
    id_column: str | None = None
    open_columns: list[str] | None = None
    attribute_columns: list[str] | None = None
    sheet: str | None = None
    # several sheets of one workbook, or "all": each is read as its own survey `<path>!<sheet>`
    sheets: list[str] | Literal["all"] | None = None
    # both
    encoding: str | None = None
    # transcripts
    respondent_id: str | None = None
    attributes: dict[str, str] = Field(default_factory=dict)
    interviewer_labels: list[str] | None = None

    @field_validator("path")
    @classmethod
    def _relative_path(cls, v: str) -> str:
        p = PurePosixPath(v.replace("\\", "/"))
        if p.is_absolute() or ".." in p.parts:
            raise ValueError("expected a path relative to the corpus folder, without '..'")
        return str(p)

    @field_validator("attributes", mode="before")
    @classmethod
    def _stringify(cls, v: Any) -> Any:
        # `age_group: 60` is an int to YAML; attribute values are always strings downstream.
        if isinstance(v, dict):
            return {str(k): "" if x is None else str(x) for k, x in v.items()}
        return v

    @field_validator("respondent_id", "id_column", "sheet", mode="before")
    @classmethod
    def _scalar_to_str(cls, v: Any) -> Any:
        return str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v

    @field_validator("sheets", mode="before")
    @classmethod
    def _sheet_names(cls, v: Any, info: ValidationInfo) -> Any:
        if isinstance(v, list):
            v = [str(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else x for x in v]
            if not v:
                raise ValueError("expected at least one sheet name, or `all`")
            if len(set(v)) != len(v):
                raise ValueError("expected each sheet named once")
        if v is not None and info.data.get("sheet") is not None:
            raise ValueError("expected either sheet: (one sheet, read as the file) or sheets: (several), not both")
        return v

    def sheet_names(self, available: list[str]) -> list[str] | None:
        """The sheets read as separate surveys (`sheets:`), in order; None when one sheet is read as the file."""
        if self.sheets is None:
            return None
        return list(available) if self.sheets == "all" else list(self.sheets)

    @field_validator("encoding")
    @classmethod
    def _known_codec(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                codecs.lookup(v)
            except LookupError:
                raise ValueError("expected a known text encoding such as utf-8 or gb18030") from None
        return v

    @field_validator(*_SURVEY_ONLY, *_TRANSCRIPT_ONLY)
    @classmethod
    def _fits_kind(cls, v: Any, info: ValidationInfo) -> Any:
        # A field validator (not a model one) so the error points at the offending key's line;
        # `path` and `kind` are declared first, hence already in info.data.
        kind = info.data.get("kind") or kind_from_extension(info.data.get("path", ""))
        needs = "survey" if info.field_name in _SURVEY_ONLY else "transcript"
        if kind is not None and kind != needs:
            raise ValueError(f"expected only with kind: {needs} (this file is kind: {kind})")
        return v


class AttributeInfo(BaseModel):
    """How reports name a respondent attribute and order its values (`attributes:` in the manifest).

    e.g. `years_of_residence: {label: 居住年限 Years of residence, order: ["<1", 1-5, 5-10, ">10"]}`.
    """

    model_config = ConfigDict(extra="forbid")

    label: str | None = None
    order: list[str] | None = None

    @field_validator("label", mode="before")
    @classmethod
    def _label_str(cls, v: Any) -> Any:
        return str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v

    @field_validator("order", mode="before")
    @classmethod
    def _order_strs(cls, v: Any) -> Any:
        # `order: [2019, 2020]` are ints to YAML; attribute values are always strings downstream.
        if isinstance(v, list):
            return ["" if x is None else str(x) for x in v]
        return v


class Manifest(BaseModel):
    """The whole manifest: a list of file entries, at most one per path, and how to show attributes."""

    model_config = ConfigDict(extra="forbid")

    files: list[FileEntry] = Field(default_factory=list)
    attributes: dict[str, AttributeInfo] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _unique_paths(self) -> "Manifest":
        seen: set[str] = set()
        for entry in self.files:
            if entry.path in seen:
                raise ValueError(f"path {entry.path!r} is listed twice")
            seen.add(entry.path)
        return self

    def entry(self, rel: str) -> FileEntry | None:
        """The entry for relative path `rel` ('/'-separated), if any."""
        return next((e for e in self.files if e.path == rel), None)


def kind_from_extension(path: str) -> str | None:
    """'survey' for .csv/.xlsx, 'transcript' for .txt/.md/.docx, else None."""
    ext = PurePosixPath(path).suffix.lower()
    if ext in (".csv", ".xlsx"):
        return "survey"
    if ext in (".txt", ".md", ".docx"):
        return "transcript"
    return None


def load_manifest(path: Path) -> Manifest:
    """Parse and validate a manifest file; raises CorpusError with file, line, field, expectation."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpusError(f"{path}: cannot read manifest ({exc}); expected a UTF-8 YAML file") from None
    try:
        root = safe_compose(text)   # aliases refused: no alias bombs (issue #17)
        data = safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise CorpusError(f"{path}: {where}invalid YAML ({problem})") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        line = root.start_mark.line + 1 if root is not None else 1
        raise CorpusError(f"{path}: line {line}: expected a mapping with a 'files:' list, got {type(data).__name__}")
    try:
        return Manifest.model_validate(data)
    except ValidationError as exc:
        messages = [_describe(path, root, err) for err in exc.errors()]
        raise CorpusError("\n".join(messages)) from None


def _describe(path: Path, root: yaml.Node | None, err: dict) -> str:
    loc = list(err["loc"])
    if err["type"] == "extra_forbidden":
        node = _node_at(root, loc, key=True)
        allowed = ", ".join(_allowed_fields(loc))
        what = f"unknown field {loc[-1]!r} (allowed: {allowed})"
        field = _dotted(loc[:-1]) or "top level"
    elif err["type"] == "missing":
        node = _node_at(root, loc[:-1])
        what = "required field missing" + (" (expected e.g. path: interview_01.txt)" if loc[-1] == "path" else "")
        field = _dotted(loc)
    else:
        node = _node_at(root, loc)
        msg = err["msg"].removeprefix("Value error, ")
        if msg.startswith("Input should be "):
            msg = "expected " + msg.removeprefix("Input should be ")
        got = err.get("input")
        got_text = "" if isinstance(got, (dict, list)) or got is None else f" (got {got!r})"
        what = msg + got_text
        field = _dotted(loc) or "top level"
    line = node.start_mark.line + 1 if node is not None else 1
    return f"{path}: line {line}: field {field}: {what}"


def _node_at(root: yaml.Node | None, loc: list, key: bool = False) -> yaml.Node | None:
    """Walk the YAML node tree along a pydantic error location; the deepest node found."""
    node = root
    for i, part in enumerate(loc):
        if isinstance(node, yaml.MappingNode):
            found = next(((k, v) for k, v in node.value if k.value == str(part)), None)
            if found is None:
                return node
            last = i == len(loc) - 1
            node = found[0] if (key and last) else found[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            return node
    return node


def _dotted(loc: list) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _allowed_fields(loc: list) -> list[str]:
    if loc and loc[0] == "attributes" and len(loc) > 2:
        return list(AttributeInfo.model_fields)
    model = FileEntry if any(isinstance(p, int) for p in loc) else Manifest
    return list(model.model_fields)
