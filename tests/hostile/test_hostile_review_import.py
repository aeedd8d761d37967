"""Issue #17 item 10: two imports of the same review file at once end in one import, not a traceback."""
from __future__ import annotations

import csv

import pandas as pd

from qualmine.coding.codebook import load_codebook
from qualmine.coding.review.export import export_review_queue
from qualmine.coding.review.importing import import_review_file
from qualmine.coding.review.queue import QueueOptions
from qualmine.coding.store.database import ProjectStore
from qualmine.coding.store.sync import sync_run
from qualmine.flows.settings import EXAMPLE_CODEBOOK

TEXT = "排队时间太长了"


def test_the_import_that_loses_the_race_reports_already_imported(tmp_path, monkeypatch):
    doc = "survey.csv#R1/q"
    documents = pd.DataFrame([{"doc_id": doc, "source_file": "survey.csv", "kind": "survey", "respondent_id": "R1",
                               "question": "q", "text": TEXT}])
    segments = pd.DataFrame([{"segment_id": "seg1", "doc_id": doc, "source_file": "survey.csv", "respondent_id": "R1",
                              "speaker": "q", "is_interviewer": False, "question": "q", "lang": "zh", "start": 0,
                              "end": len(TEXT), "position": 0, "turn": 0, "text": TEXT}])
    applications = pd.DataFrame([{"segment_id": "seg1", "code_id": "P-OPERATION-HOURS", "source": "rule",
                                  "score": 0.9, "evidence": "排队", "start": 0, "end": 2}])
    sheet = tmp_path / "ana.csv"
    with ProjectStore(tmp_path / "store.sqlite") as store:
        sync_run(store, run_id="run-1", codebook=load_codebook(EXAMPLE_CODEBOOK), documents=documents,
                 segments=segments, applications=applications, parameters={})
        export_review_queue(store, QueueOptions(coder="ana"), sheet)
        with open(sheet, encoding="utf-8-sig", newline="") as handle:
            table = list(csv.reader(handle))
        at = table[0].index("decision")
        for row in table[1:]:
            if row and row[table[0].index("segment_id")] == "seg1":
                row[at] = "accept"
        with open(sheet, "w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows(table)
        first = import_review_file(store, sheet, "ana")
        assert first.appended == 1
        # The second import checked before the first committed: it saw no batch for this file yet.
        real, calls = ProjectStore.import_batch_for, []

        def not_yet(self, coder, file_hash):
            calls.append(coder)
            return None if len(calls) == 1 else real(self, coder, file_hash)

        monkeypatch.setattr(ProjectStore, "import_batch_for", not_yet)
        real_decisions = ProjectStore.decisions

        def none_yet(self, **kw):   # ...nor the decisions the first one recorded
            found = real_decisions(self, **kw)
            return found.iloc[0:0] if kw.get("coder") else found

        monkeypatch.setattr(ProjectStore, "decisions", none_yet)
        second = import_review_file(store, sheet, "ana")
        assert second.already_imported and second.appended == 0
        monkeypatch.undo()
        assert len(store.decisions()) == 1
