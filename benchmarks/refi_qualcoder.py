"""What survives a round trip qualmine -> QualCoder -> qualmine, measured with QualCoder's own code.

    .venv/bin/python -m benchmarks.refi_qualcoder --qualcoder-src DIR --qt-python PYTHON \\
        [--run RUN_DIR --store STORE] [--work DIR] [--out benchmarks/results/refi_qualcoder.json]

1. the example corpus is run (or `--run`/`--store` reused); a coder 'mei' then records decisions in
   the store as the review page would: accepts and rejects with notes, and spans coded in the
   document view (with notes);
2. `export_qdpx(..., decisions=...)` writes the project (what `qualmine export qdpx --store` writes);
3. QualCoder's RefiImport reads it into a QualCoder project database, and QualCoder's RefiExport
   writes it out again (benchmarks/refi_qualcoder_side.py, run by `--qt-python`, a Python with
   PyQt6, headless);
4. `read_qdpx` imports QualCoder's file back into qualmine.

Counted each way, for codes, hierarchy, codings on the same text, coders, memos and
cases/attributes: what was sent, and how much of it arrived identical. Prints a table and writes
the raw numbers (JSON). QualCoder is not in this repository (LGPL-3.0) and not on PyPI: give the
folder holding its `qualcoder/` package (refi.py and what it imports) and `qc_schema.sql`; without
it the benchmark says so and stops (exit 0).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lxml import etree  # noqa: E402

from qualmine.outputs.refi.common import PROJECT_NS, parse_xml  # noqa: E402

Q = f"{{{PROJECT_NS}}}"
HERE = Path(__file__).resolve().parent
CODER = "mei"


def _prepare(work: Path, run: Path | None, store: Path | None) -> tuple[Path, Path]:
    """The run and store measured: given, else the example corpus run now into `work`."""
    if run is not None:
        if store is None:
            sys.exit("--run needs --store (the store the run was recorded in)")
        return run, store
    import qualmine

    store = work / "store.sqlite"
    qualmine.run(out=work / "run", store=str(store))
    return work / "run", store


def _code_by_coder(store: Path) -> dict:
    """Mei's decisions, recorded as the review page records them (accept, reject, spans with notes)."""
    from qualmine.coding.review.web_store import record_decision, span_segment
    from qualmine.coding.store.database import ProjectStore

    made = Counter()
    with ProjectStore(store) as opened:
        mine = opened.decisions(coder=CODER)
        if len(mine):   # a store measured before: count what is there
            spans = mine["start"].notna()
            return {"reused_store": True, **mine.loc[~spans, "decision"].value_counts().to_dict(), "span": int(spans.sum())}
        suggested = opened.suggestions().drop_duplicates(["segment_id", "code_id"]).sort_values(["segment_id", "code_id"])
        segments = opened.segments().set_index("segment_id")
        codes = sorted(opened.codes()["code_id"])
        for i, row in enumerate(suggested.head(24).itertuples(index=False)):
            decision = "reject" if i % 4 == 3 else "accept"
            record_decision(opened, segment_id=row.segment_id, code_id=row.code_id, coder=CODER, decision=decision,
                            note=f"备注 {i}: {'不对' if decision == 'reject' else '是的'} / note {i}")
            made[decision] += 1
        # Spans coded in the document view: the middle of a long segment, a code the rules did not give.
        taken = set(suggested["segment_id"].head(24))
        long = segments[(segments["end"] - segments["start"] >= 12) & ~segments.index.isin(taken)].head(12)
        for i, (segment_id, seg) in enumerate(long.iterrows()):
            start, end = int(seg["start"]) + 3, int(seg["end"]) - 3
            on = span_segment(opened, seg["doc_id"], start, end)
            record_decision(opened, segment_id=on, code_id=codes[i % len(codes)], coder=CODER, decision="add",
                            note=f"划线 {i} / span {i}", span=(start, end))
            made["span"] += 1
    return dict(made)


def _qde(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".qde"))
        return parse_xml(zf.read(name), f"{path}!{name}").getroot()


def _sent(path: Path) -> dict:
    """What qualmine's export holds, by name (QualCoder knows names, not GUIDs)."""
    root = _qde(path)
    users = {u.get("guid"): u.get("name") for u in root.iter(f"{Q}User")}
    codes, parents = {}, {}
    for code in root.iter(f"{Q}Code"):
        codes[code.get("guid")] = code.get("name")
        parent = code.getparent()
        if parent.tag == f"{Q}Code":
            parents[code.get("name")] = parent.get("name")
    with zipfile.ZipFile(path) as zf:
        texts = {src.get("name"): zf.read("Sources/" + src.get("plainTextPath")[len("internal://"):]).decode("utf-8")
                 for src in root.iter(f"{Q}TextSource")}
    codings, notes = set(), set()
    for src in root.iter(f"{Q}TextSource"):
        text = texts[src.get("name")]
        for sel in src.findall(f"{Q}PlainTextSelection"):
            a, b = int(sel.get("startPosition")), int(sel.get("endPosition"))
            for coding in sel.findall(f"{Q}Coding"):
                code = codes[coding.find(f"{Q}CodeRef").get("targetGUID")]
                codings.add((src.get("name"), code, users[coding.get("creatingUser")], text[a:b]))
    for note in root.iter(f"{Q}Note"):
        notes.add((users.get(note.get("creatingUser"), ""), note.findtext(f"{Q}PlainTextContent")))
    variables = {v.get("guid"): v.get("name") for v in root.iter(f"{Q}Variable")}
    values, links = set(), set()
    names = {src.get("guid"): src.get("name") for src in root.iter(f"{Q}TextSource")}
    for case in root.iter(f"{Q}Case"):
        for vv in case.findall(f"{Q}VariableValue"):
            values.add((case.get("name"), variables[vv.find(f"{Q}VariableRef").get("targetGUID")], vv.findtext(f"{Q}TextValue")))
        links |= {(case.get("name"), names[r.get("targetGUID")]) for r in case.findall(f"{Q}SourceRef")}
    return {"codes": set(codes.values()), "parents": parents, "codings": codings, "notes": notes,
            "cases": {c.get("name") for c in root.iter(f"{Q}Case")}, "values": values, "links": links}


def _arrived_in_qualcoder(sent: dict, db: dict) -> dict:
    codes = {c["cid"]: c["name"] for c in db["codes"]}
    sources = {s["id"]: s for s in db["sources"]}
    parents = {c["name"]: codes.get(c["supercid"]) for c in db["codes"] if c["supercid"]}
    codings = {(sources[r["fid"]]["name"], codes.get(r["cid"]), r["owner"],
                (sources[r["fid"]]["fulltext"] or "")[r["pos0"]:r["pos1"]]) for r in db["code_text"]}
    notes = {(a["owner"], a["memo"]) for a in db["annotations"]}
    cases = {c["caseid"]: c["name"] for c in db["cases"]}
    values = {(cases.get(a["id"]), a["name"], a["value"]) for a in db["attributes"] if a["attr_type"] == "case"}
    links = {(cases.get(c["caseid"]), sources[c["fid"]]["name"]) for c in db["case_text"]}
    return _compare(sent, {"codes": set(codes.values()), "parents": parents, "codings": codings, "notes": notes,
                           "cases": set(cases.values()), "values": values, "links": links})


def _compare(sent: dict, got: dict) -> dict:
    out = {}
    for key in ("codes", "codings", "notes", "cases", "values", "links"):
        out[key] = {"sent": len(sent[key]), "arrived": len(sent[key] & got[key]), "extra": len(got[key] - sent[key])}
    same = sum(1 for child, parent in sent["parents"].items() if got["parents"].get(child) == parent)
    out["hierarchy"] = {"sent": len(sent["parents"]), "arrived": same}
    out["coders"] = {"sent": sorted({c[2] for c in sent["codings"]}), "arrived": sorted({c[2] for c in got["codings"]})}
    return out


def _back_in_qualmine(original: Path, reexport: Path) -> dict:
    from qualmine.outputs.refi.project_import import read_qdpx

    before, after = read_qdpx(original), read_qdpx(reexport)

    def codings(p):
        a = p.code_applications
        who = [c or s for c, s in zip(a["coder"], a["source"])]
        return set(zip(a["segment_id"], a["code_id"], who, a["evidence"]))

    def decisions(p, spans_only=False):
        d = p.decisions[p.decisions["coder"] == CODER]
        if spans_only:
            d = d[d["start"].notna()]
        return set(zip(d["segment_id"], d["code_id"], d["decision"], d["start"].astype("Int64").astype(str)))

    def memos(p, placed=False):
        m = p.memos
        if placed:   # on the same text of the same document, not just the same words
            return set(zip(m["author"], m["text"], m["doc_id"], m["start"].astype(str), m["end"].astype(str)))
        return set(zip(m["author"], m["text"]))

    def sources_of(p):
        return set(zip(p.documents["doc_id"], p.documents["respondent_id"]))

    def people(p):
        r = p.respondents.astype(str)
        return {tuple(sorted(row.items())) for row in r.to_dict("records")}

    parents = {c.id: c.parent for c in before.codebook.codes}
    out = {}
    for key, a, b in (("codes", set(before.codebook.ids), set(after.codebook.ids)),
                      ("codings", codings(before), codings(after)),
                      ("decisions", decisions(before), decisions(after)),
                      ("span_decisions", decisions(before, True), decisions(after, True)),
                      ("memos", memos(before), memos(after)),
                      ("memos_placed", memos(before, True), memos(after, True)),
                      ("respondent_of_source", sources_of(before), sources_of(after)),
                      ("respondents", people(before), people(after)),
                      ("documents", set(before.documents["doc_id"]), set(after.documents["doc_id"]))):
        out[key] = {"sent": len(a), "arrived": len(a & b), "extra": len(b - a)}
    out["hierarchy"] = {"sent": sum(1 for p in parents.values() if p),
                        "arrived": sum(1 for c in after.codebook.codes if c.parent and parents.get(c.id) == c.parent)}
    out["coders"] = {"sent": list(before.coders), "arrived": list(after.coders)}
    out["import_problems"] = len(after.problems)
    out["import_notes"] = after.notes
    return out


def _qualcoders_own(src: Path, qt_python: str, work: Path) -> dict:
    """A project made in QualCoder (refi_qualcoder_side.OWN) and exported by QualCoder, read by qualmine."""
    from benchmarks.refi_qualcoder_side import OWN, OWN_TEXT
    from qualmine.outputs.refi.project_import import read_qdpx

    side = subprocess.run([qt_python, str(HERE / "refi_qualcoder_side.py"), str(src), "--own", str(work / "own")],
                          capture_output=True, text=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    if side.returncode:
        sys.exit(f"QualCoder side failed:\n{side.stdout}\n{side.stderr}")
    project = read_qdpx(side.stdout.strip().splitlines()[-1])
    labels = {c.id: c.label.en for c in project.codebook.codes}
    parents = {labels[c.id]: labels.get(c.parent) for c in project.codebook.codes}
    apps = project.code_applications
    got = set(zip(apps["code_id"].map(labels), apps["evidence"], apps["coder"]))
    sent = {(name, piece, owner) for name, piece, owner, _ in OWN["codings"]}
    memos = set(zip(project.memos["target"], project.memos["text"]))
    case, attribute, value = OWN["case"]
    people = project.respondents.set_index("respondent_id")
    return {
        "codes": {"sent": len(OWN["codes"]), "arrived": len(set(labels.values()) & {c[0] for c in OWN["codes"]})},
        "hierarchy": {"sent": 2, "arrived": int(parents.get("Queues") == "Problems") + int(parents.get("Long waits") == "Queues")},
        "codings": {"sent": len(sent), "arrived": len(sent & got), "extra": len(got - sent)},
        "coders": {"sent": ["ann", "bo"], "arrived": list(project.coders)},
        "memos": {"sent": len(OWN["memos"]), "arrived": len(set(OWN["memos"]) & memos), "extra": len(memos - set(OWN["memos"]))},
        "coding_memo_on_decision": bool(project.decisions["note"].str.startswith("coding memo [imported").any()),
        "case_attribute": {"sent": 1, "arrived": int(case in people.index and people.loc[case].get(attribute) == value)},
        "case_source_link": {"sent": 1, "arrived": int((project.documents["respondent_id"] == case).any())},
        "text_identical": bool(project.documents["text"].iloc[0] == OWN_TEXT),
        "import_problems": len(project.problems), "notes": project.notes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--qualcoder-src", default=os.environ.get("QUALCODER_SRC"))
    parser.add_argument("--qt-python", default=sys.executable, help="a Python with PyQt6 (default: this one)")
    parser.add_argument("--run", type=Path)
    parser.add_argument("--store", type=Path)
    parser.add_argument("--work", type=Path)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "refi_qualcoder.json")
    args = parser.parse_args()
    src = Path(args.qualcoder_src) if args.qualcoder_src else None
    if src is None or not (src / "qualcoder" / "refi.py").is_file() or not (src / "qc_schema.sql").is_file():
        print(f"SKIPPED: no QualCoder source folder (need DIR/qualcoder/refi.py and DIR/qc_schema.sql; got {src}). "
              "QualCoder is not on PyPI and not in this repository: pass --qualcoder-src.")
        return
    from qualmine.outputs.refi.project_export import export_qdpx
    from qualmine.outputs.refi.store_bridge import store_review_decisions

    work = args.work or Path(tempfile.mkdtemp(prefix="refi-qualcoder-"))
    work.mkdir(parents=True, exist_ok=True)
    run, store = _prepare(work, args.run, args.store)
    made = _code_by_coder(store)
    decisions, segments = store_review_decisions(store)
    exported = export_qdpx(run, work / "qualmine.qdpx", decisions=decisions, store_segments=segments, name="example")
    side = subprocess.run([args.qt_python, str(HERE / "refi_qualcoder_side.py"), str(src), str(exported.path),
                           str(work / "qualcoder")], capture_output=True, text=True,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    if side.returncode:
        sys.exit(f"QualCoder side failed:\n{side.stdout}\n{side.stderr}")
    db = json.loads((work / "qualcoder" / "qualcoder_db.json").read_text(encoding="utf-8"))
    into = _arrived_in_qualcoder(_sent(exported.path), db)
    back = _back_in_qualmine(exported.path, Path(db["reexport"]))
    own = _qualcoders_own(src, args.qt_python, work)
    version = (src / "VERSION").read_text(encoding="utf-8").strip() if (src / "VERSION").is_file() else "unknown"
    provenance = (src / "SOURCE.txt").read_text(encoding="utf-8") if (src / "SOURCE.txt").is_file() else ""
    result = {"date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "qualcoder": version,
              "qualcoder_source": provenance, "run": str(run), "coder_decisions_made": made,
              "exported": {"sources": exported.sources, "selections": exported.selections, "codings": exported.codings,
                           "users": list(exported.users), "cases": exported.cases},
              "into_qualcoder": into, "qualcoder_import_log": db["import_log"],
              "qualcoder_coder_after_import": db["coder_after_import"], "back_into_qualmine": back,
              "qualcoder_own_project_into_qualmine": own}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{version}, {result['date']}; exported {exported.codings} codings on {exported.selections} selections, "
          f"{exported.sources} sources, {exported.cases} cases")
    print(f"{'what':<16}{'into QualCoder':>22}{'back into qualmine':>22}")
    for key in ("codes", "hierarchy", "codings", "notes", "memos", "memos_placed", "cases", "values", "links",
                "respondents", "respondent_of_source", "decisions", "span_decisions"):
        a, b = into.get(key), back.get(key)
        cell = lambda d: f"{d['arrived']}/{d['sent']}" + (f" (+{d['extra']})" if d.get("extra") else "") if d else "-"
        print(f"{key:<16}{cell(a):>22}{cell(b):>22}")
    print(f"coders: into QualCoder {into['coders']['arrived']} of {into['coders']['sent']}; "
          f"back {back['coders']['arrived']} of {back['coders']['sent']}")
    print("QualCoder's own project into qualmine: " + ", ".join(
        f"{k} {v['arrived']}/{v['sent']}" for k, v in own.items() if isinstance(v, dict) and "sent" in v and k != "coders")
          + f"; coders {own['coders']['arrived']}; coding memo on the decision: {own['coding_memo_on_decision']}")
    print(f"raw: {args.out}")


if __name__ == "__main__":
    main()
