"""A `.qdpx` project's codings on import: placing selections, naming coders, and the rows they become.

- Selections are placed with the project's counting rule (`positions`); one that cannot be placed
  (out of range, empty, splitting a character, coding an unknown code) becomes a problem row
  (file, source, selection GUID, line, why) and is left out; the rest is imported.
- Every REFI `<User>` becomes a coder under their name; `Coders` maps names and names the coder of
  codings without a user. qualmine's own users ('qualmine-rules', ...) stay machine sources.
- qualmine's extension blocks bring back what REFI cannot say: machine scores per selection, and
  every coder's decisions (`reject`, notes, timestamps) in the project's Description.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from qualmine.corpus.records import Document, Segment
from qualmine.outputs.refi.common import RefiError, normalize_guid, split_description, project_tag as _q
from qualmine.outputs.refi.positions import OffsetMap, PositionRule, RawSelection, place
from qualmine.outputs.refi.project_export import MACHINE_USERS

DECISION_COLUMNS = ["segment_id", "code_id", "coder", "decision", "note", "decided_at", "start", "end"]
# start/end: the document offsets of the coded span when it is not the whole segment (a span coded in
# qualmine's document view, or another tool's selection), else None.
APPLICATION_COLUMNS = ["segment_id", "code_id", "source", "start", "end", "evidence", "score", "matched", "hits", "coder"]
PROBLEM_COLUMNS = ["file", "source", "selection", "line", "start", "end", "why"]
SOURCE_FOR_USER = {user: source for source, user in MACHINE_USERS.items()}


@dataclass(frozen=True)
class Selection:
    """One coding of one placed selection (code-point offsets into the document's text)."""

    doc_id: str
    start: int
    end: int
    code_id: str
    user: str                  # the REFI user's name ('' when the file names none)
    guid: str = ""
    coder: str = ""            # the qualmine coder ('' for qualmine's machine users)
    extra: tuple = ()          # (score, matched, hits) from qualmine's selection block
    memo: str = ""             # the memo the selection's coder wrote on it (project_notes.memo_for)


@dataclass
class Coders:
    """`--coder`: `default` names codings without a user (and a single-user file's user);
    `mapping` renames REFI users to coders."""

    default: str = ""
    mapping: dict[str, str] = field(default_factory=dict)
    resolved: dict[str, str] = field(default_factory=dict)   # REFI user -> coder, as `name_coders` decided

    def of(self, user: str) -> str:
        """The coder a REFI user's work was imported as (for qualmine's carried decisions)."""
        return self.resolved.get(user) or self.mapping.get(user) or user


def raw_selections(src) -> list[RawSelection]:
    """The source's selections as written, for choosing the counting rule."""
    out = []
    for sel in src.findall(_q("PlainTextSelection")):
        start, end = _whole(sel.get("startPosition")), _whole(sel.get("endPosition"))
        if start is not None and end is not None:   # the others are reported by read_selections
            out.append(RawSelection(start, end, sel.get("name") or ""))
    return out


def _whole(value: str | None) -> int | None:
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def read_selections(src, doc: Document, rule: PositionRule, code_ids: dict[str, str], users: dict[str, str],
                    where: str, problems: list[dict[str, Any]]) -> list[Selection]:
    """Place the source's selections; what cannot be placed goes to `problems`."""
    out = []
    offsets = OffsetMap(doc.text, rule)
    for sel in src.findall(_q("PlainTextSelection")):
        start, end, guid = _whole(sel.get("startPosition")), _whole(sel.get("endPosition")), normalize_guid(sel.get("guid", ""))
        placed = place(start, end, offsets) if start is not None and end is not None else \
            f"startPosition {sel.get('startPosition')!r} / endPosition {sel.get('endPosition')!r} are not whole numbers"
        if isinstance(placed, str):
            problems.append({"file": where, "source": doc.doc_id, "selection": guid, "line": sel.sourceline,
                             "start": start, "end": end, "why": placed})
            continue
        desc = sel.find(_q("Description"))
        _, block = split_description(desc.text if desc is not None else "", where, sel.sourceline)
        scores = {(str(c.get("code")), str(c.get("user"))): c for c in (block or {}).get("codings") or []
                  if isinstance(c, dict)}
        default_user = users.get(normalize_guid(sel.get("creatingUser", "")), "")
        for coding in sel.findall(_q("Coding")):
            ref = coding.find(_q("CodeRef"))
            target = ref.get("targetGUID", "") if ref is not None else ""
            code = code_ids.get(normalize_guid(target))
            if code is None:
                problems.append({"file": where, "source": doc.doc_id, "selection": guid, "line": coding.sourceline,
                                 "start": start, "end": end,
                                 "why": f"coding {normalize_guid(coding.get('guid', ''))} refers to code {target}, "
                                        "which is not in the project's codebook"})
                continue
            user = users.get(normalize_guid(coding.get("creatingUser", "")), default_user)
            given = scores.get((code, user))
            extra = (float(given.get("score", 1.0)), str(given.get("matched", "")), int(given.get("hits", 1))) \
                if given else ()
            out.append(Selection(doc.doc_id, placed[0], placed[1], code, user, guid, extra=extra))
    return out


def name_coders(selections: list[Selection], coders: Coders, file_users: list[str], where: str,
                notes: list[str]) -> list[Selection]:
    """Give each human coding its coder: mapped name, else `--coder` for a single-user file or a
    coding without user, else the REFI user's own name. Codings without a user in a file with a
    single `<User>` (and no `--coder`) are that user's."""
    humans = sorted({s.user for s in selections if s.user and s.user not in SOURCE_FOR_USER})
    unnamed = sum(1 for s in selections if not s.user)
    if unnamed and not coders.default:
        # NVivo for Windows writes codings without creatingUser; a file with one <User> is theirs.
        if len(file_users) == 1:
            only = file_users[0]
            notes.append(f"{unnamed} coding(s) name no user: attributed to the file's only user {only!r}")
            selections = [s if s.user else Selection(s.doc_id, s.start, s.end, s.code_id, only, s.guid, extra=s.extra)
                          for s in selections]
            humans = sorted(set(humans) | ({only} - set(SOURCE_FOR_USER)))
        else:
            raise RefiError.one(where, None, f"{unnamed} coding(s) name no user (no creatingUser) and the file has "
                                             f"{len(file_users)} users: pass --coder NAME to say whose coding they are")
    unknown = sorted(set(coders.mapping) - set(humans))
    if unknown:
        notes.append(f"--coder mapping names user(s) not in the file: {', '.join(unknown)}")

    def coder_of(user: str) -> str:
        if user in SOURCE_FOR_USER:
            return ""
        if user in coders.mapping:
            return coders.mapping[user]
        if not user or (coders.default and len(humans) == 1):
            return coders.default
        return user

    named = {user: coder_of(user) for user in {s.user for s in selections}}
    coders.resolved.update({user: name for user, name in named.items() if user and name})
    return [Selection(s.doc_id, s.start, s.end, s.code_id, s.user, s.guid, named[s.user], s.extra) for s in selections]


def applications(selections: list[Selection], segments: list[Segment], texts: dict[str, str],
                 file_name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One application per (selection, code, overlapped segment); human codings become decisions."""
    by_doc: dict[str, list[Segment]] = {}
    for seg in segments:
        by_doc.setdefault(seg.doc_id, []).append(seg)
    rows, decisions, seen = [], [], set()
    for sel in selections:
        machine = SOURCE_FOR_USER.get(sel.user)
        score, matched, hits = sel.extra or (1.0, "", 1)
        for seg in by_doc[sel.doc_id]:
            key = (seg.segment_id, sel.code_id, sel.start, sel.end, machine or sel.coder)
            if not (seg.start < sel.end and sel.start < seg.end) or key in seen:
                continue
            seen.add(key)
            rows.append({"segment_id": seg.segment_id, "code_id": sel.code_id, "source": machine or "coder",
                         "start": sel.start, "end": sel.end, "evidence": texts[sel.doc_id][sel.start:sel.end],
                         "score": score, "matched": matched, "hits": hits, "coder": "" if machine else sel.coder})
            if not machine:
                whole = (sel.start, sel.end) == (seg.start, seg.end)
                origin = f"imported from {file_name} (user {sel.user or 'unknown'}, selection {sel.start}-{sel.end})"
                decisions.append({"segment_id": seg.segment_id, "code_id": sel.code_id, "coder": sel.coder,
                                  "decision": "add", "decided_at": None,
                                  "note": f"{sel.memo} [{origin}]" if sel.memo else origin,
                                  "start": None if whole else sel.start, "end": None if whole else sel.end})
    frame = pd.DataFrame(rows, columns=APPLICATION_COLUMNS).astype(
        {"start": "int64", "end": "int64", "score": "float64", "hits": "int64"})
    decided = pd.DataFrame(decisions, columns=DECISION_COLUMNS).drop_duplicates(["segment_id", "code_id", "coder"])
    return frame, decided.reset_index(drop=True)


def merge_extension_decisions(decisions: pd.DataFrame, carried: list, coders: Coders,
                              notes: list[str]) -> pd.DataFrame:
    """Bring back the decisions qualmine wrote in its project block (decision, note, decided_at).

    The file's codings stay the truth: a carried accept/add whose coding was deleted in the other
    tool is dropped; a carried reject is dropped when the coder has since coded that code there."""
    if not carried:
        return decisions
    index = {(r.segment_id, r.code_id, r.coder): i for i, r in enumerate(decisions.itertuples(index=False))}
    out = decisions.copy()
    added, dropped = [], 0
    for item in carried:
        if not isinstance(item, dict) or item.get("decision") not in ("accept", "add", "reject"):
            continue
        coder = coders.of(str(item.get("coder")))
        key = (str(item.get("segment_id")), str(item.get("code_id")), coder)
        at = index.get(key)
        if item["decision"] == "reject":
            if at is None:
                added.append({"segment_id": key[0], "code_id": key[1], "coder": coder, "decision": "reject",
                              "note": item.get("note") or "", "decided_at": item.get("decided_at"),
                              "start": item.get("start"), "end": item.get("end")})
            else:
                dropped += 1
        elif at is None:
            dropped += 1
        else:
            out.loc[at, ["decision", "note", "decided_at"]] = [item["decision"], item.get("note") or "",
                                                               item.get("decided_at")]
    if dropped:
        notes.append(f"{dropped} decision(s) from qualmine's block were overruled by the file's codings "
                     "(coded or uncoded since the export)")
    if added:
        out = pd.concat([out, pd.DataFrame(added, columns=DECISION_COLUMNS)], ignore_index=True)
    return out
