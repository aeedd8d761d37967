"""The project store's side of REFI-QDA exchange: review decisions out, the coders' codings in.

Uses only `coding.store.database`'s public API (`ProjectStore`) and `coding.store.sync.record_codebook`.
"""
from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from qualmine.outputs.refi.project_import import ImportedProject


@dataclass(frozen=True)
class StoreImport:
    """What recording an imported project's decisions did to the store."""

    url: str
    appended: int
    already_imported: bool
    unknown_segments: int
    notes: tuple[str, ...] = field(default_factory=tuple)
    coders: tuple[str, ...] = ()      # the coders whose decisions were appended


def store_review_decisions(store_location: str | Path | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(each coder's latest decisions, the stored segments) for `export_qdpx(decisions=...)`."""
    from qualmine.coding.store.database import ProjectStore

    with ProjectStore(store_location) as store:
        return store.decisions(latest=True), store.segments()


def record_imported_decisions(project: ImportedProject, store_location: str | Path | None) -> StoreImport:
    """Append each coder's codings as decisions, one import batch per coder (re-importing the same
    file for the same coder is a no-op). A coding on a segment the rules or model suggested for
    that code is an 'accept', any other an 'add'; decisions qualmine carried in its own block keep
    their decision, note and time."""
    from qualmine.coding.store.database import ProjectStore
    from qualmine.coding.store.sync import record_codebook

    file_hash = project.file_hash
    all_decisions = project.decisions
    coders = sorted(set(all_decisions["coder"])) if len(all_decisions) else []
    appended, unknown, notes, already = 0, 0, [], []
    with ProjectStore(store_location) as store:
        suggested = store.suggestions()
        pairs = set(zip(suggested["segment_id"], suggested["code_id"])) if len(suggested) else set()
        known = set(store.segments(all_decisions["segment_id"].unique())["segment_id"]) if len(all_decisions) else set()
        version_id = None
        for coder in coders:
            if store.import_batch_for(coder, file_hash) is not None:
                already.append(coder)
                continue
            decisions = all_decisions[all_decisions["coder"] == coder].copy()
            carried = decisions["decided_at"].notna() & (decisions["decided_at"].astype(str) != "") \
                if "decided_at" in decisions else pd.Series(False, index=decisions.index)
            decisions["decision"] = [d if keep else ("accept" if (s, c) in pairs else "add")
                                     for d, keep, s, c in zip(decisions["decision"], carried,
                                                              decisions["segment_id"], decisions["code_id"])]
            unknown += int((~decisions["segment_id"].isin(known)).sum())
            # The store ties every import batch to an export; a QDA project is its own "export".
            export_id = "refi-" + hashlib.sha1(f"{coder}\x1f{file_hash}".encode()).hexdigest()[:24]
            if store.export_record(export_id) is None:
                if version_id is None:
                    with store.writer.begin() as conn:
                        version_id, _ = record_codebook(conn, project.codebook, project.source_file)
                store.record_export(export_id, coder, "qdpx", Path(project.source_file).name, version_id,
                                    pd.DataFrame(columns=["item", "segment_id", "code_id"]),
                                    {"imported_from": project.source_file})
            batch = {"batch_id": uuid.uuid4().hex, "export_id": export_id, "coder": coder,
                     "file_name": Path(project.source_file).name, "file_hash": file_hash}
            columns = ["segment_id", "code_id", "decision", "note"] + [c for c in ("decided_at", "start", "end")
                                                                        if c in decisions]
            appended += store.append_decisions(batch, decisions[columns])
        if already:
            notes.append(f"{project.source_file} was already imported for coder(s) {', '.join(already)}: "
                         "nothing appended for them")
        if unknown:
            notes.append(f"{unknown} decision(s) are on segments the store has not recorded yet (kept; record a run "
                         "of the same corpus to see them in context)")
        return StoreImport(store.url, appended, bool(already) and appended == 0, unknown, tuple(notes),
                           tuple(c for c in coders if c not in already))
