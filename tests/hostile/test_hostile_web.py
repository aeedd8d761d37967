"""Issue #17 item 10 (review page): IPv6 Host, non-ASCII token and form key, form size checked before reading."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from qualmine.flows.web.server import MAX_FORM_BYTES, create_app



@pytest.fixture
def store_path(one_segment_store):
    return one_segment_store


def test_ipv6_loopback_host_is_answered(store_path):
    with TestClient(create_app(str(store_path)), base_url="http://[::1]:8765") as web:
        assert web.get("/").status_code == 200
        assert web.get("/", headers={"host": "[::1]"}).status_code == 200
        assert web.get("/", headers={"host": "[::2]:8765"}).status_code == 403


def test_a_non_ascii_token_is_refused_not_a_crash(store_path):
    with TestClient(create_app(str(store_path), token="s3cret"), base_url="http://192.0.2.10:8765") as web:
        assert web.get("/?token=秘密").status_code == 401
        assert web.get("/", headers={"Authorization": "Bearer ü".encode("latin-1")}).status_code in (400, 401)


def test_form_key_non_ascii_and_oversized_forms_are_client_errors(store_path):
    app = create_app(str(store_path))
    with TestClient(app, base_url="http://127.0.0.1:8765", raise_server_exceptions=False) as web:
        fields = {"coder": "ana", "segment_id": "seg1", "code_id": "P-OPERATION-HOURS", "decision": "accept"}
        assert web.post("/decide", data={**fields, "form_key": "钥匙"}, follow_redirects=False).status_code == 403
        big = web.post("/decide", data={**fields, "form_key": app.state.form_key, "note": "x" * (MAX_FORM_BYTES + 1)},
                       follow_redirects=False)
        assert big.status_code == 413
        ok = web.post("/decide", data={**fields, "form_key": app.state.form_key}, follow_redirects=False)
        assert ok.status_code == 303
