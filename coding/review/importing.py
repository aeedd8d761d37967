"""Import a coder's filled-in review file: validate everything first, then append in one transaction.

Nothing is applied if any row is wrong; the error lists every bad row with its row number and
reason. Importing the same file again changes nothing: the file's hash is remembered per coder,
and a decision equal to the coder's current one is not appended again.
"""
from __future__ import annotations

from qualmine import QualmineError
import hashlib
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from qualmine.coding.review.sheet_csv import read_queue_csv
from qualmine.coding.review.formats import REQUIRED_COLUMNS, restore, split_codes
from qualmine.coding.review.queue import DECISION_CHOICES, UNCODED
from qualmine.coding.review.sheet_xlsx import read_queue_xlsx
from qualmine.coding.store.database import ProjectStore


@dataclass(frozen=True)
class ImportProblem:
    row: int | None        # spreadsheet row number (header = 1); None for the whole file
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row is not None else "file"
        return f"{where}{f' [{self.column}]' if self.column else ''}: {self.message}"


class ReviewImportError(QualmineError, ValueError):
    """Every problem found in one review file; nothing was imported."""

    def __init__(self, file: str | Path, problems: list[ImportProblem]):
        self.file, self.problems = str(file), problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{Path(file).name}: {len(problems)} problem(s), nothing imported:\n{lines}")


@dataclass(frozen=True)
class ImportResult:
    file: str
    coder: str
    export_id: str
    file_hash: str
    rows: int                      # data rows read
    decisions: int                 # decisions found in the file
    appended: int                  # decisions appended to the store (0 when nothing changed)
    already_imported: bool = False
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ValidatedFile:
    export_id: str
    file_hash: str
    rows: int
    decisions: pd.DataFrame        # segment_id, code_id, decision, note, row
    warnings: list[str]


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_review_file(path: str | Path):
    """(meta, header, rows) of an .xlsx or .csv review file."""
    suffix = Path(path).suffix.lower()
    if suffix == ".xlsx":
        return read_queue_xlsx(path)
    if suffix == ".csv":
        return read_queue_csv(path)
    raise ValueError(f"{Path(path).name}: expected a .xlsx or .csv review file, got {suffix or 'no extension'!r}")


def validate_review_file(store: ProjectStore, path: str | Path, coder: str) -> ValidatedFile:
    """Check the whole file against the store; raises ReviewImportError listing every problem."""
    path = Path(path)
    try:
        meta, header, rows = read_review_file(path)
    except (OSError, ValueError) as exc:
        raise ReviewImportError(path, [ImportProblem(None, None, str(exc))]) from None
    problems: list[ImportProblem] = []
    missing = [c for c in REQUIRED_COLUMNS + ["export_id"] if c not in header]
    duplicated = sorted({h for h in header if h and header.count(h) > 1})
    if missing or duplicated:
        problems += [ImportProblem(1, c, "column missing from the header (renamed or deleted?)") for c in missing]
        problems += [ImportProblem(1, c, "column appears more than once") for c in duplicated]
        raise ReviewImportError(path, problems)
    col = {name: header.index(name) for name in header if name}
    rows = [(n, values) for n, values in rows if any(_text(v) for v in values)]   # blank rows are no rows

    export_id = _file_export_id(meta, rows, col, problems, store)
    export = store.export_record(export_id) if export_id else None
    if export_id and export is None and not problems:
        problems.append(ImportProblem(None, "export_id", f"export {export_id!r} is unknown to this store "
                                      f"({store.display_url}); the file was exported from another store"))
    if export is not None and export["coder"] != coder:
        problems.append(ImportProblem(None, None, f"the file was exported for coder {export['coder']!r}, "
                                      f"not {coder!r} (import it with --coder {export['coder']})"))
    if export is None:
        raise ReviewImportError(path, problems)

    exported = {int(r.item): {"segment_id": r.segment_id, "code_id": r.code_id}
                for r in store.export_rows(export_id).itertuples(index=False)}
    version_codes = set(store.codes(export["codebook_version_id"])["code_id"])
    known_segments = set(store.segments(_column(rows, col, "segment_id"))["segment_id"])
    seen_items: dict[int, int] = {}
    decisions, warnings = [], []
    for row_no, values in rows:
        if len(values) > len(header) and any(_text(v) for v in values[len(header):]):
            problems.append(ImportProblem(row_no, None, f"values beyond the last column ({len(header)} columns "
                                          f"in the header): the row was shifted or edited out of shape"))
            continue
        cell = {name: restore(_text(values[i])) if i < len(values) else "" for name, i in col.items()}
        item = _item(cell["item"])
        if item is None or item not in exported:
            problems.append(ImportProblem(row_no, "item", f"{cell['item']!r} is not an item of export {export_id} "
                                          f"(a row added or its item number edited)"))
            continue
        if item in seen_items:
            problems.append(ImportProblem(row_no, "item", f"item {item} appears twice (also row {seen_items[item]})"))
            continue
        seen_items[item] = row_no
        was = exported[item]
        segment_id, code_id = cell["segment_id"], cell["code_id"]
        if segment_id not in known_segments:
            problems.append(ImportProblem(row_no, "segment_id", f"unknown segment id {segment_id!r}"))
        elif segment_id != was["segment_id"]:
            problems.append(ImportProblem(row_no, "segment_id", f"changed: item {item} was exported with "
                                          f"segment {was['segment_id']!r}, the file says {segment_id!r}"))
        uncoded = was["code_id"] == UNCODED
        if uncoded and code_id != UNCODED:
            problems.append(ImportProblem(row_no, "code_id", f"changed: item {item} was exported without a code "
                                          f"(an uncoded segment), the file says {code_id!r}; put codes in add_codes"))
        elif uncoded:
            pass
        elif code_id not in version_codes:
            problems.append(ImportProblem(row_no, "code_id", f"unknown code id {code_id!r} (not in the codebook "
                                          f"version {export['codebook_version_id']} this file was exported with)"))
        elif code_id != was["code_id"]:
            problems.append(ImportProblem(row_no, "code_id", f"changed: item {item} was exported with code "
                                          f"{was['code_id']!r}, the file says {code_id!r}"))
        decision = cell["decision"].strip().lower()
        if decision and decision not in DECISION_CHOICES:
            problems.append(ImportProblem(row_no, "decision", f"{cell['decision']!r} is not one of "
                                          f"{', '.join(DECISION_CHOICES)} (or empty)"))
        elif decision and uncoded:
            problems.append(ImportProblem(row_no, "decision", f"item {item} has no suggested code to {decision}: "
                                          f"type the segment's codes into add_codes (leave decision empty)"))
            decision = ""
        added = split_codes(cell["add_codes"])
        for code in added:
            if code not in version_codes:
                problems.append(ImportProblem(row_no, "add_codes", f"unknown code id {code!r} (use the ids of the "
                                              f"codebook sheet)"))
        note = cell["note"].strip()
        if decision in DECISION_CHOICES:
            decisions.append((row_no, was["segment_id"], was["code_id"], decision, note))
        decisions += [(row_no, was["segment_id"], code, "add", note) for code in added]
        if note and not decision and not added:
            what = "add codes" if uncoded else "choose accept or reject"
            warnings.append(f"row {row_no}: a note without a decision is not recorded ({what})")
    frame = pd.DataFrame(decisions, columns=["row", "segment_id", "code_id", "decision", "note"])
    problems += _conflicts(frame)
    if problems:
        raise ReviewImportError(path, sorted(problems, key=lambda p: (p.row or 0)))
    frame = frame.drop_duplicates(["segment_id", "code_id", "decision"])
    return ValidatedFile(export_id, file_sha256(path), len(rows), frame.reset_index(drop=True), warnings)


def import_review_file(store: ProjectStore, path: str | Path, coder: str) -> ImportResult:
    """Validate `path` completely, then append its new decisions in one transaction."""
    checked = validate_review_file(store, path, coder)
    base = dict(file=str(path), coder=coder, export_id=checked.export_id, file_hash=checked.file_hash,
                rows=checked.rows, decisions=len(checked.decisions), warnings=checked.warnings)
    if store.import_batch_for(coder, checked.file_hash) is not None:
        return ImportResult(**base, appended=0, already_imported=True)
    current = store.decisions(latest=True, coder=coder)
    known = {(r.segment_id, r.code_id): (r.decision, "" if pd.isna(r.note) else r.note)
             for r in current.itertuples(index=False)}
    fresh = checked.decisions[[known.get((r.segment_id, r.code_id)) != (r.decision, r.note)
                               for r in checked.decisions.itertuples(index=False)]]
    if fresh.empty:
        return ImportResult(**base, appended=0)
    batch = {"batch_id": uuid.uuid4().hex, "export_id": checked.export_id, "coder": coder,
             "file_name": Path(path).name, "file_hash": checked.file_hash}
    from sqlalchemy.exc import IntegrityError

    try:
        appended = store.append_decisions(batch, fresh[["segment_id", "code_id", "decision", "note"]])
    except IntegrityError:
        # Another import of this very file for this coder committed first (two imports at once): its
        # transaction holds the same decisions, and this one was rolled back whole.
        if store.import_batch_for(coder, checked.file_hash) is None:
            raise
        return ImportResult(**base, appended=0, already_imported=True)
    return ImportResult(**base, appended=appended)


def _file_export_id(meta: dict | None, rows: list, col: dict[str, int], problems: list[ImportProblem],
                    store: ProjectStore) -> str | None:
    """The export id the file claims, after checking the store id (workbook meta sheet and columns).

    The file's ids are the meta sheet's (xlsx) or the first row's (csv); rows that differ from
    them were pasted in from another file and are reported one by one.
    """
    first: dict[str, tuple[str, int]] = {}
    differing: list[tuple[int, str, str]] = []
    for row_no, values in rows:
        for name in ("store_id", "export_id"):
            if name not in col:
                continue
            value = _text(values[col[name]]) if col[name] < len(values) else ""
            wanted = (meta or {}).get(name) or first.setdefault(name, (value, row_no))[0]
            if value != wanted:
                differing.append((row_no, name, value))
    file_store = (meta or {}).get("store_id") or first.get("store_id", ("", 0))[0]
    file_export = (meta or {}).get("export_id") or first.get("export_id", ("", 0))[0]
    if file_store and file_store != store.store_id:
        kind = "workbook" if meta is not None else "file"
        problems.append(ImportProblem(None, None, f"the {kind} was exported from another store (store id "
                                      f"{file_store}); this store is {store.store_id} ({store.display_url})"))
        return None
    for row_no, name, value in differing:
        problems.append(ImportProblem(row_no, name, f"{value!r} differs from the file's {name} "
                                      f"{file_export if name == 'export_id' else file_store!r} "
                                      f"(rows pasted from another file?)"))
    if not file_export and not problems:
        problems.append(ImportProblem(None, "export_id", "no export id in the file (no rows, or the column was emptied)"))
    return file_export or None


def _conflicts(frame: pd.DataFrame) -> list[ImportProblem]:
    out = []
    for (segment_id, code_id), group in frame.groupby(["segment_id", "code_id"], sort=False):
        said = set(group["decision"].replace({"add": "accept"}))
        if len(said) > 1:
            rows = ", ".join(str(r) for r in group["row"])
            out.append(ImportProblem(int(group["row"].max()), "add_codes",
                                     f"code {code_id} on segment {segment_id} is both rejected and accepted/added "
                                     f"(rows {rows})"))
    return out


def _column(rows: list, col: dict[str, int], name: str) -> list[str]:
    i = col[name]
    return [_text(values[i]) for _, values in rows if i < len(values)]


def _item(value: str) -> int | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() if not isinstance(value, str) else value.strip()
