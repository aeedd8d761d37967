"""Time the review loop's store operations on a synthetic project (prints numbers; no assertions).

    .venv/bin/python benchmarks/review_loop.py [--segments 20000] [--rows 2000]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from qualmine.codebooks import EXAMPLE_CODEBOOK as CODEBOOK

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qualmine.coding.codebook import load_codebook  # noqa: E402
from qualmine.coding.review.export import export_review_queue  # noqa: E402
from qualmine.coding.review.importing import import_review_file  # noqa: E402
from qualmine.coding.review.queue import QueueOptions  # noqa: E402
from qualmine.coding.store.database import ProjectStore  # noqa: E402
from qualmine.coding.store.sync import sync_run  # noqa: E402
from openpyxl import load_workbook  # noqa: E402



def synthetic(n_segments: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    codebook = load_codebook(CODEBOOK)
    ids = [f"seg_{i:016x}" for i in range(n_segments)]
    docs = pd.DataFrame({"doc_id": [f"d{i // 20}" for i in range(0, n_segments, 20)], "source_file": "x.csv",
                         "kind": "survey", "respondent_id": "r", "question": "q", "text": "某某" * 50})
    segments = pd.DataFrame({"segment_id": ids, "doc_id": [f"d{i // 20}" for i in range(n_segments)],
                             "source_file": "x.csv", "respondent_id": "r", "speaker": "q", "is_interviewer": False,
                             "question": "q", "lang": "zh", "start": 0, "end": 20, "position": np.arange(n_segments) % 20,
                             "turn": 0, "text": "排队等了很久，工作人员态度很好，希望周末也开放。"})
    picks = rng.random(n_segments) < 0.6
    codes = rng.choice(list(codebook.ids), size=int(picks.sum()))
    apps = pd.DataFrame({"segment_id": np.array(ids)[picks], "code_id": codes, "source": "rule",
                         "start": 0, "end": 2, "evidence": "排队", "score": 0.9})
    return codebook, docs, segments, apps


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--segments", type=int, default=20000)
    parser.add_argument("--rows", type=int, default=2000)
    args = parser.parse_args()
    codebook, docs, segments, apps = synthetic(args.segments)
    with tempfile.TemporaryDirectory() as tmp, ProjectStore(Path(tmp) / "bench.sqlite") as store:
        def timed(label, fn):
            start = time.perf_counter()
            out = fn()
            print(f"{label:<40} {time.perf_counter() - start:7.2f} s")
            return out
        timed(f"sync run ({len(segments)} segments, {len(apps)} sugg.)",
              lambda: sync_run(store, run_id="r1", codebook=codebook, documents=docs, segments=segments,
                               applications=apps))
        timed("re-sync same run", lambda: sync_run(store, run_id="r2", codebook=codebook, documents=docs,
                                                   segments=segments, applications=apps))
        path = Path(tmp) / "q.xlsx"
        timed(f"export {args.rows} rows (xlsx)", lambda: export_review_queue(
            store, QueueOptions("ana", order="uncertainty", limit=args.rows), path))
        wb = load_workbook(path)
        ws = wb["queue"]
        for row in range(2, ws.max_row + 1):
            ws.cell(row, 12, "accept" if row % 3 else "reject")
        wb.save(path)
        result = timed(f"import {ws.max_row - 1} decisions", lambda: import_review_file(store, path, "ana"))
        timed("import same file again", lambda: import_review_file(store, path, "ana"))
        timed("store status", store.status)
        print(f"appended {result.appended}; store file {(Path(tmp) / 'bench.sqlite').stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
