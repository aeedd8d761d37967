"""The QualCoder half of benchmarks/refi_qualcoder.py: run QualCoder's own REFI importer and exporter.

Runs in a Python that has PyQt6 (not qualmine's venv), headless (QT_QPA_PLATFORM=offscreen):

    python benchmarks/refi_qualcoder_side.py QUALCODER_SRC IN.qdpx WORK_DIR

QUALCODER_SRC is a folder holding the package `qualcoder/` (at least refi.py, color_selector.py,
helpers.py, GUI/ui_dialog_refi_export_endings.py) and `qc_schema.sql`, QualCoder's create_project
tables. Nothing of QualCoder is in this repository (LGPL-3.0; reference only): the folder is given
by path. Only QualCoder's file dialogs and message boxes are replaced (they would wait for a click);
its RefiImport and RefiExport code runs unchanged on a QualCoder project database.

Writes WORK_DIR/qualcoder_db.json (what QualCoder's database holds after the import) and
WORK_DIR/reexport.qdpx (QualCoder's REFI export of that project); prints the JSON path.

    python benchmarks/refi_qualcoder_side.py QUALCODER_SRC --own WORK_DIR

makes a small project the way a QualCoder user would (OWN: two coders, a category, a sub-code,
memos of every kind, a case) in a QualCoder database and exports it with QualCoder's RefiExport;
prints the .qdpx path.
"""
from __future__ import annotations

import builtins
import json
import os
import sqlite3
import sys
from pathlib import Path


_QT = None   # the QApplication, kept alive while QualCoder's code runs


class _TextLog:
    """QualCoder's main window text box, as the importer uses it (append only)."""

    def __init__(self):
        self.lines: list[str] = []

    def append(self, text):
        self.lines.append(str(text))


class _App:
    """The few attributes and methods of QualCoder's App that refi.py touches."""

    def __init__(self, project_path: Path, version: str):
        self.project_path = str(project_path)
        self.project_name = project_path.name            # ends in .qda, as QualCoder's do
        self.version = version
        self.settings = {"codername": "default", "directory": str(project_path.parent), "ai_enable": "False",
                         "fontsize": 10, "font": "Noto Sans"}
        self.ai_models = []
        self.conn = sqlite3.connect(project_path / "data.qda")

    def write_config_ini(self, settings, ai_models):
        pass

    def get_annotations(self):
        # QualCoder's App.get_annotations: the current coder's annotations only.
        cur = self.conn.cursor()
        cur.execute("select anid, fid, pos0, pos1, memo, owner, date from annotation where owner=?",
                    [self.settings["codername"]])
        keys = "anid", "fid", "pos0", "pos1", "memo", "owner", "date"
        return [dict(zip(keys, row)) for row in cur.fetchall()]


def _new_project(folder: Path, schema: str, version: str) -> _App:
    for sub in ("", "images", "audio", "video", "documents"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    app = _App(folder, version)
    app.conn.executescript(schema)
    app.conn.execute("insert into project values(?,?,?,?,?,?,?,?,null,null,null)",
                     ("v17", "2026-12-02 00:00:00", "", version, 0, 0, "default", ""))
    app.conn.commit()
    return app


def _dump(app: _App) -> dict:
    cur = app.conn.cursor()

    def rows(sql):
        cur.execute(sql)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    return {
        "codes": rows("select cid, name, memo, catid, supercid from code_name"),
        "categories": rows("select catid, name, memo, supercatid from code_cat"),
        "sources": rows("select id, name, fulltext, memo, owner from source"),
        "code_text": rows("select ctid, cid, fid, seltext, pos0, pos1, owner, memo from code_text"),
        "annotations": rows("select anid, fid, pos0, pos1, memo, owner from annotation"),
        "journals": rows("select name, jentry, owner from journal"),
        "cases": rows("select caseid, name, memo from cases"),
        "case_text": rows("select caseid, fid, pos0, pos1 from case_text"),
        "attribute_types": rows("select name, caseOrFile, valuetype from attribute_type"),
        "attributes": rows("select name, attr_type, value, id from attribute"),
        "coder_after_import": app.settings["codername"],
    }


def main(src: str, qdpx: str, work: str) -> Path:
    refi, work_dir = _qualcoder(src, work)
    from PyQt6 import QtWidgets

    QtWidgets.QFileDialog.getOpenFileName = staticmethod(lambda *a, **k: (str(Path(qdpx).resolve()), "qdpx"))
    schema = (Path(src) / "qc_schema.sql").read_text(encoding="utf-8")
    version = _version(src)
    app = _new_project(work_dir / "bench.qda", schema, version)
    log = _TextLog()
    refi.RefiImport(app, log, "qdpx")
    dumped = _dump(app)
    dumped["import_log"] = log.lines
    refi.RefiExport(app, log, "project")                 # writes <directory>/<project name>.qdpx
    dumped["reexport"] = str((work_dir / "bench.qdpx").replace(work_dir / "reexport.qdpx"))
    out = work_dir / "qualcoder_db.json"
    out.write_text(json.dumps(dumped, ensure_ascii=False, indent=1), encoding="utf-8")
    return out


# A small project as a QualCoder user makes it (two coders, a category, a sub-code, an emoji before
# a coding, memos of every kind QualCoder has, a case with an attribute linked to the source).
OWN_TEXT = "Q: How was it?\nA: 排队太久了。等了一个小时。😀 The staff were rude.\n"
OWN = {
    "codes": [("Problems", None, None, "category memo"), ("Queues", "Problems", None, "queue memo"),
              ("Long waits", None, "Queues", ""), ("Staff", None, None, "")],   # (name, category, parent code, memo)
    "codings": [("Queues", "排队太久了。", "ann", "coding memo"), ("Long waits", "等了一个小时。", "bo", ""),
                ("Staff", "The staff were rude.", "ann", ""), ("Staff", "The staff were rude.", "bo", "")],
    "memos": [("source", "source memo"), ("selection", "coding memo"), ("selection", "annotation by ann"),
              ("unplaced", "Day one: rain."), ("case", "case memo")],
    "case": ("P1", "age", "60+"),
}


def own_project(src: str, work: str) -> Path:
    """Make OWN in a QualCoder project database (as QualCoder's dialogs would) and export it with
    QualCoder's RefiExport; returns the .qdpx."""
    refi, work_dir = _qualcoder(src, work)
    app = _new_project(work_dir / "own.qda", (Path(src) / "qc_schema.sql").read_text(encoding="utf-8"), _version(src))
    app.settings["codername"] = "ann"
    c, d = app.conn, "2026-11-01 10:00:00"
    c.execute("insert into source (name,fulltext,mediapath,memo,owner,date) values ('Interview 1',?,null,"
              "'source memo','ann',?)", (OWN_TEXT, d))
    cids = {}
    for name, category, parent, memo in OWN["codes"]:
        if name == "Problems":
            c.execute("insert into code_cat (name,memo,owner,date,supercatid) values (?,?,'ann',?,null)", (name, memo, d))
            continue
        c.execute("insert into code_name (name,memo,catid,owner,date,color,supercid) values (?,?,?,?,?,?,?)",
                  (name, memo, 1 if category else None, "ann", d, "#F5F6CE", cids.get(parent)))
        cids[name] = c.execute("select last_insert_rowid()").fetchone()[0]
    for name, piece, owner, memo in OWN["codings"]:
        a = OWN_TEXT.index(piece)
        c.execute("insert into code_text (cid,fid,seltext,pos0,pos1,owner,date,memo) values (?,1,?,?,?,?,?,?)",
                  (cids[name], piece, a, a + len(piece), owner, d, memo))
    a = OWN_TEXT.index("等了")
    c.execute("insert into annotation (fid,pos0,pos1,memo,owner,date) values (1,?,?,'annotation by ann','ann',?)",
              (a, a + 7, d))
    c.execute("insert into journal (name,jentry,date,owner) values ('Diary','Day one: rain.',?,'ann')", (d,))
    case, attribute, value = OWN["case"]
    c.execute("insert into cases (name,memo,owner,date) values (?,'case memo','ann',?)", (case, d))
    c.execute("insert into case_text (caseid,fid,pos0,pos1,owner,date,memo) values (1,1,0,0,'ann',?,'')", (d,))
    c.execute("insert into attribute_type (name,date,owner,memo,caseOrFile,valuetype) values (?,?,'ann','','case',"
              "'character')", (attribute, d))
    c.execute("insert into attribute (name,attr_type,value,id,date,owner) values (?,'case',?,1,?,'ann')",
              (attribute, value, d))
    c.commit()
    refi.RefiExport(app, _TextLog(), "project")
    return work_dir / "own.qdpx"


def _version(src: str) -> str:
    return (Path(src) / "VERSION").read_text(encoding="utf-8").strip() if (Path(src) / "VERSION").is_file() \
        else "QualCoder (reconstructed)"


def _qualcoder(src: str, work: str):
    """QualCoder's refi module, headless, with its dialogs answered; and the work folder."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    work_dir = Path(work).resolve()
    work_dir.mkdir(parents=True, exist_ok=True)
    os.environ["HOME"] = str(work_dir / "home")          # RefiExport prepares its zip under ~/.qualcoder
    (work_dir / "home" / ".qualcoder").mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(Path(src).resolve()))
    builtins._ = lambda text: text                       # QualCoder installs gettext's _ at start-up
    from PyQt6 import QtWidgets

    global _QT
    _QT = QtWidgets.QApplication.instance() or QtWidgets.QApplication(["qualcoder-refi-bench"])
    from qualcoder import refi

    QtWidgets.QFileDialog.getExistingDirectory = staticmethod(lambda *a, **k: str(work_dir))
    refi.RefiLineEndings.exec = lambda self: 0           # the line-endings question: QualCoder's default answer
    return refi, work_dir


if __name__ == "__main__":
    if sys.argv[2] == "--own":
        print(own_project(sys.argv[1], sys.argv[3]))
    else:
        print(main(*sys.argv[1:4]))
