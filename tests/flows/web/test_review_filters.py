"""Every filter the queue page offers answers a page, on an empty store and before any suggestion
of that source exists (issue #18 item 2: `source=model` on a rule-coded store was a 500)."""
from __future__ import annotations

import itertools

import pytest
from fastapi.testclient import TestClient

from qualmine.coding.review.web_queue import SOURCES, STATUSES
from qualmine.coding.review.queue import ORDERS
from qualmine.coding.store.database import ProjectStore
from qualmine.flows.web.server import create_app

COMBINATIONS = list(itertools.product(("",) + SOURCES, STATUSES, ORDERS))


@pytest.fixture()
def empty_client(tmp_path):
    path = tmp_path / "empty.sqlite"
    ProjectStore(path).close()
    with TestClient(create_app(str(path)), base_url="http://127.0.0.1:8765") as web:
        yield web


def test_every_filter_combination_answers_on_an_empty_store(empty_client):
    for source, status, order in COMBINATIONS:
        page = empty_client.get("/queue", params={"coder": "alice", "source": source, "status": status,
                                                  "order": order})
        assert page.status_code == 200, (source, status, order, page.text[:300])
        assert 'id="queue-empty"' in page.text
        assert "0 of 0 suggestion(s) decided" in page.text
    assert empty_client.get("/").status_code == 200
    assert empty_client.get("/queue", params={"coder": "alice", "code": "P-X"}).status_code == 404


def test_every_filter_answers_before_any_suggestion_of_that_source_exists(client, store_path):
    with ProjectStore(store_path) as store:
        present = set(store.suggestions()["source"])
    assert present == {"rule"}                       # the example store has rule suggestions only
    # Each source x status, each order, with and without a code (the full product is the empty-store test).
    offered = {(s, st, "document") for s, st, _ in COMBINATIONS} | {("model", "pending", o) for o in ORDERS}
    for source, status, order in sorted(offered):
        for code in ("", "P-OPERATION-HOURS"):
            page = client.get("/queue", params={"coder": "alice", "code": code, "source": source,
                                                "status": status, "order": order})
            assert page.status_code == 200, (code, source, status, order, page.text[:300])
            if source in ("model", "topic", "semantic") or status in ("accepted", "rejected", "decided") \
                    or (source == "uncoded" and code):    # a code filter: that code's suggestions only
                assert 'id="queue-empty"' in page.text
            elif source == "uncoded":                      # segments without a suggestion, to add codes to
                assert 'id="uncoded-form"' in page.text and 'id="decide-form"' not in page.text
            else:
                assert 'id="decide-form"' in page.text
