"""Issue #17 item 10: two imports of the same review file at once end in one import, not a traceback."""
from __future__ import annotations

import csv


from qualmine.coding.review.export import export_review_queue
from qualmine.coding.review.importing import import_review_file
from qualmine.coding.review.queue import QueueOptions
from qualmine.coding.store.database import ProjectStore



def test_the_import_that_loses_the_race_reports_already_imported(tmp_path, monkeypatch, one_segment_store):
    sheet = tmp_path / "ana.csv"
    with ProjectStore(one_segment_store) as store:
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
