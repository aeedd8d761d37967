"""Time the browser review page on a synthetic project (prints numbers; no assertions).

    .venv/bin/python benchmarks/review_web.py [--segments 20000] [--pages 20] [--order document] [--bare]

`--bare`: a run with no suggestion at all (a codebook without keywords), so every item is a
segment without a suggestion (`review serve --uncoded auto`); with `--order uncertainty` the first
page also pays for the diverse-first order (one typical segment per k-means cluster, coding/review/diverse.py).

Measures, through FastAPI's test client (no network): the first queue page (reads and caches
the run's tables), later queue pages, a decision (one transaction + the redirect target), undo
a code page, the documents list and one document view. Reported as median milliseconds.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.review_loop import synthetic  # noqa: E402
from qualmine.coding.store.database import ProjectStore  # noqa: E402
from qualmine.coding.store.sync import sync_run  # noqa: E402


def _ms(fn) -> float:
    start = time.perf_counter()
    fn()
    return 1000 * (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--segments", type=int, default=20000)
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--order", default="document", choices=("document", "uncertainty", "code"))
    parser.add_argument("--bare", action="store_true", help="no suggestions: every item is an uncoded segment")
    args = parser.parse_args()
    from fastapi.testclient import TestClient

    from qualmine.flows.web.server import create_app

    with tempfile.TemporaryDirectory() as tmp:
        codebook, docs, segments, suggestions = synthetic(args.segments)
        if args.bare:
            suggestions = suggestions.iloc[0:0]
        path = Path(tmp) / "bench.sqlite"
        with ProjectStore(path) as store:
            sync_run(store, run_id="bench", codebook=codebook, documents=docs, segments=segments,
                     applications=suggestions)
        app = create_app(str(path))
        key = app.state.form_key
        with TestClient(app, base_url="http://127.0.0.1") as web:
            query = {"coder": "bench", "order": args.order}
            first = _ms(lambda: web.get("/queue", params=query))
            pages, decide, undo = [], [], []
            for _ in range(args.pages):
                html = web.get("/queue", params=query).text
                pages.append(_ms(lambda: web.get("/queue", params=query)))
                seg = re.search(r'name="segment_id" value="([^"]+)"', html).group(1)
                code = re.search(r'name="code_id" value="([^"]+)"', html).group(1)
                form = {"form_key": key, **query, "segment_id": seg, "code_id": code, "decision": "accept"}
                target = "/decide"
                if 'id="uncoded-form"' in html:   # add the first code to a segment without a suggestion
                    form = {**form, "decision": "add", "at": f"{seg}~"}
                    target = "/decide-segment"
                decide.append(_ms(lambda: web.post(target, data=form, follow_redirects=True)))
            for _ in range(min(5, args.pages)):
                undo.append(_ms(lambda: web.post("/undo", data={"form_key": key, "coder": "bench"},
                                                 follow_redirects=True)))
            code_page = _ms(lambda: web.get(f"/codes/{codebook.codes[0].id}"))
            listing = _ms(lambda: web.get("/documents", params={"coder": "bench"}))
            doc_id = docs["doc_id"].iloc[0]
            document = _ms(lambda: web.get("/document", params={"coder": "bench", "doc": doc_id}))
    print(f"segments {len(segments)}, suggestions {len(suggestions)}, order {args.order}")
    print(f"first queue page (reads + caches the run): {first:.0f} ms")
    print(f"queue page (median of {len(pages)}): {statistics.median(pages):.0f} ms")
    print(f"decision + next page (median): {statistics.median(decide):.0f} ms")
    print(f"undo + page (median): {statistics.median(undo):.0f} ms")
    print(f"code page: {code_page:.0f} ms")
    print(f"documents list: {listing:.0f} ms; one document view: {document:.0f} ms")


if __name__ == "__main__":
    main()
