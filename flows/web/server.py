"""The browser review page: a small FastAPI app over the project store (`qualmine review serve`).

Server-side rendered (Jinja2, autoescaped: a respondent's `<script>` shows as text), plain
forms that work without JavaScript, and one small script for keys (a / r / s / u) and the
coder name (remembered in localStorage). Every decision is one store transaction, committed
before the page that says "saved" is sent. A strict Content-Security-Policy allows no inline
script at all, so even a rendering slip could not run a respondent's words.

Security: on loopback (the default) requests must name a loopback host (no DNS rebinding);
with a `token` (required off loopback) every request must carry it (query once, then a cookie).
Every form carries a per-server key, so another web site cannot post decisions (CSRF).
"""
from __future__ import annotations

import secrets
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy import select

from qualmine import SEED
from qualmine.coding.store import schema as s
from qualmine.coding.review.queue import UNCODED_CHOICES
from qualmine.coding.review.web_queue import ORDERS, SOURCES, STATUSES, QueueFilter, item_key
from qualmine.coding.review.web_store import (
    ReviewInputError, ReviewNotFound, check_coder, record_decision, record_decisions,
    record_segment_decisions, span_segment, undo_last_decision,
)
from qualmine.coding.store.database import ProjectStore
from qualmine.flows.web.document_pages import document_page, documents_page
from qualmine.flows.web.pages import ReviewSite

WEB = Path(__file__).resolve().parent
TOKEN_COOKIE = "qualmine_token"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
MAX_FORM_BYTES = 64 * 1024   # a decision form is a few hundred bytes; a note of some pages fits
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class HttpProblem(Exception):
    """An error page: status code and a message naming what was wrong."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def create_app(store_url: str, token: str | None = None, *, double_code: float = 0.0, seed: int = SEED,
               uncoded: str = "auto") -> FastAPI:
    """The review web app for the store at `store_url` (path or SQLAlchemy URL).

    With `token`, every request must carry it; without, only loopback host names are answered.
    `double_code` is the share of segments offered to every coder (as `review export --double-code`);
    `uncoded` when segments without a suggestion are offered, to add codes to (`review export --uncoded`).
    """
    if uncoded not in UNCODED_CHOICES:   # before the store is opened: nothing to close on a bad value
        raise ValueError(f"The 'uncoded' parameter of the review page must be one of {', '.join(UNCODED_CHOICES)}. "
                         f"Got {uncoded!r} instead.")
    store = ProjectStore(store_url)
    site = ReviewSite(store, double_code=double_code, seed=seed, uncoded=uncoded)
    form_key = secrets.token_urlsafe(24)
    env = Environment(loader=FileSystemLoader(WEB / "templates"), autoescape=True, undefined=StrictUndefined)
    templates = Jinja2Templates(env=env)
    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        store.close()

    app = FastAPI(title="qualmine review", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.store, app.state.site, app.state.form_key = store, site, form_key
    app.mount("/static", StaticFiles(directory=WEB / "static"), name="static")

    def render(request: Request, name: str, context: dict, status: int = 200) -> HTMLResponse:
        context = {"form_key": form_key, "store_url": store.display_url, **context}
        return templates.TemplateResponse(request, name, context, status_code=status)

    @app.middleware("http")
    async def guard(request: Request, call_next):
        problem = _access_problem(request, token)
        if problem is not None:
            response: Response = HTMLResponse(_plain_error(*problem), status_code=problem[0])
        elif token and request.query_params.get("token") and request.method == "GET":
            # Trade the token in the address for a cookie, and drop it from the address bar.
            query = {k: v for k, v in request.query_params.items() if k != "token"}
            response = RedirectResponse(request.url.path + (f"?{urlencode(query)}" if query else ""), status_code=303)
            response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict")
        else:
            response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.exception_handler(HttpProblem)
    async def problem_page(request: Request, exc: HttpProblem):
        return render(request, "error.html", {"status": exc.status, "message": exc.message}, exc.status)

    @app.exception_handler(404)
    async def not_found(request: Request, exc):
        return render(request, "error.html", {"status": 404, "message": f"no page at {request.url.path}"}, 404)

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request, coder: str | None = None):
        name = _coder(coder) if coder else None
        return render(request, "index.html", site.index_page(name))

    @app.get("/queue", response_class=HTMLResponse)
    def queue(request: Request, coder: str | None = None, code: str | None = None, source: str | None = None,
              status: str = "pending", order: str = "document", at: str | None = None, after: str | None = None,
              near: str | None = None, saved: int | None = None, undone: int | None = None):
        if not coder:
            return RedirectResponse("/", status_code=303)
        queue_filter = _filter(coder, code, source, status, order)
        try:
            page = site.queue_page(queue_filter, at=at or None, after=after or None, near=near or None)
        except ReviewNotFound as exc:
            raise HttpProblem(404, str(exc)) from None
        except ValueError as exc:
            raise HttpProblem(400, str(exc)) from None
        flash = _flash(store, saved, undone, queue_filter.coder)
        return render(request, "queue.html", {**page, "flash": flash, "query": queue_filter.query(), "coder": queue_filter.coder,
                                              "statuses": STATUSES, "sources": SOURCES, "orders": ORDERS})

    @app.post("/decide")
    async def decide(request: Request):
        form = await _form(request, form_key)
        queue_filter = _filter(form.get("coder"), form.get("code"), form.get("source"), form.get("status"),
                               form.get("order"))
        query = await run_in_threadpool(_decide, store, site, queue_filter, form)
        if form.get("view_doc"):   # decided in place in the document view: back to that document
            back = {"coder": queue_filter.coder, "doc": form["view_doc"], "saved": query["saved"]}
            return RedirectResponse(f"/document?{urlencode(back)}", status_code=303)
        return RedirectResponse(f"/queue?{urlencode(query)}", status_code=303)

    @app.post("/undo")
    async def undo(request: Request):
        form = await _form(request, form_key)
        queue_filter = _filter(form.get("coder"), form.get("code"), form.get("source"), form.get("status"),
                               form.get("order"))
        query = await run_in_threadpool(_undo, store, site, queue_filter, form.get("at") or "")
        if form.get("view_doc"):   # undone from the document view: back to that document
            back = {"coder": queue_filter.coder, "doc": form["view_doc"], "undone": query["undone"]}
            return RedirectResponse(f"/document?{urlencode(back)}", status_code=303)
        return RedirectResponse(f"/queue?{urlencode(query)}", status_code=303)

    @app.get("/codes/{code_id}", response_class=HTMLResponse)
    def code_page(request: Request, code_id: str, coder: str | None = None, saved: int | None = None):
        coder = _coder(coder) if coder else None
        try:
            page = site.code_page(code_id)
        except ReviewNotFound as exc:
            raise HttpProblem(404, str(exc)) from None
        return render(request, "code.html", {**page, "coder": coder or "", "saved": saved})

    @app.post("/decide-bulk")
    async def decide_bulk(request: Request):
        form, lists = await _form_lists(request, form_key)
        code_id = form.get("code_id", "")
        saved = await run_in_threadpool(_bulk, store, site, form, lists.get("segment_id", []))
        return RedirectResponse(f"/codes/{quote(code_id, safe='')}?{urlencode({'coder': form.get('coder', ''), 'saved': saved})}",
                                status_code=303)

    @app.post("/decide-segment")
    async def decide_segment(request: Request):
        form, lists = await _form_lists(request, form_key)
        queue_filter = _filter(form.get("coder"), form.get("code"), form.get("source"), form.get("status"),
                               form.get("order"))
        query = await run_in_threadpool(_segment_bulk, store, site, queue_filter, form, lists.get("code_id", []))
        return RedirectResponse(f"/queue?{urlencode(query)}", status_code=303)

    @app.get("/documents", response_class=HTMLResponse)
    def documents(request: Request, coder: str | None = None):
        return render(request, "documents.html", documents_page(site, _coder(coder) if coder else None))

    @app.get("/document", response_class=HTMLResponse)
    def document(request: Request, doc: str = "", coder: str | None = None, saved: int | None = None,
                 undone: int | None = None):
        if not coder:
            return RedirectResponse("/", status_code=303)
        name = _coder(coder)
        try:
            page = document_page(site, doc, name)
        except ReviewNotFound as exc:
            raise HttpProblem(404, str(exc)) from None
        return render(request, "document.html", {**page, "flash": _flash(store, saved, undone, name)})

    @app.post("/code-span")
    async def code_span(request: Request):
        form = await _form(request, form_key)
        decision = await run_in_threadpool(_code_span, store, site, form)
        query = {"coder": decision.coder, "doc": form.get("view_doc") or form.get("doc_id", ""),
                 "saved": decision.decision_id}
        return RedirectResponse(f"/document?{urlencode(query)}", status_code=303)

    return app


def _decide(store: ProjectStore, site: ReviewSite, queue_filter: QueueFilter, form: dict[str, str]) -> dict:
    """Record the form's decision (one transaction); the query of the page to show next."""
    segment_id, code_id = form.get("segment_id", ""), form.get("code_id", "")
    added = form.get("add_code", "").strip()
    try:
        if added:
            saved = record_decision(store, segment_id=segment_id, code_id=added, coder=queue_filter.coder,
                                    decision="add", note=form.get("note"), known_codes=site.code_ids())
            target = {"near": item_key(segment_id, code_id)}   # the suggested code is still to decide
        else:
            saved = record_decision(store, segment_id=segment_id, code_id=code_id, coder=queue_filter.coder,
                                    decision=form.get("decision", ""), note=form.get("note"),
                                    known_codes=site.code_ids())
            # `stay`: a code decided from the segment's list of suggestions; the screen stays on the segment.
            target = {"near": form["stay"]} if form.get("stay") else {"after": item_key(segment_id, code_id)}
    except ReviewNotFound as exc:
        raise HttpProblem(404, str(exc)) from None
    except ReviewInputError as exc:
        raise HttpProblem(400, str(exc)) from None
    return {**queue_filter.query(), **target, "saved": saved.decision_id}


def _bulk(store: ProjectStore, site: ReviewSite, form: dict[str, str], segment_ids: list[str]) -> int:
    """Record one decision on the form's code for every ticked segment (one transaction); how many."""
    try:
        saved = record_decisions(store, segment_ids=segment_ids, code_id=form.get("code_id", ""),
                                 coder=form.get("coder", ""), decision=form.get("decision", ""),
                                 note=form.get("note"), known_codes=site.code_ids())
    except ReviewNotFound as exc:
        raise HttpProblem(404, str(exc)) from None
    except ReviewInputError as exc:
        raise HttpProblem(400, str(exc)) from None
    return sum(d.appended for d in saved)


def _segment_bulk(store: ProjectStore, site: ReviewSite, queue_filter: QueueFilter, form: dict[str, str],
                  code_ids: list[str]) -> dict:
    """Record one decision for each listed code of one segment (its pending suggestions); next page's query."""
    segment_id = form.get("segment_id", "")
    if not code_ids:
        raise HttpProblem(400, "The 'code_id' parameter must name at least one code. Got none instead.")
    try:
        saved = record_segment_decisions(store, segment_id=segment_id, code_ids=code_ids, coder=queue_filter.coder,
                                         decision=form.get("decision", ""), note=form.get("note"),
                                         known_codes=site.code_ids())
    except ReviewNotFound as exc:
        raise HttpProblem(404, str(exc)) from None
    except ReviewInputError as exc:
        raise HttpProblem(400, str(exc)) from None
    last = saved[-1] if saved else None
    # `at`: the item the form was on (an uncoded segment's key names no code of its own).
    query = {**queue_filter.query(), "after": form.get("at") or item_key(segment_id, code_ids[-1])}
    if last is not None:
        query["saved"] = last.decision_id
    return query


def _code_span(store: ProjectStore, site: ReviewSite, form: dict[str, str]):
    """Record an `add` of the form's code on the selected span of one document (one transaction)."""
    doc_id = form.get("doc_id", "")
    try:
        start, end = int(form.get("start", "")), int(form.get("end", ""))
    except ValueError:
        raise HttpProblem(400, f"The 'start' and 'end' parameters must be whole numbers (document offsets). Got "
                               f"{form.get('start')!r} and {form.get('end')!r} instead.") from None
    try:
        segment_id = span_segment(store, doc_id, start, end, form.get("quote"))
        return record_decision(store, segment_id=segment_id, code_id=form.get("code_id", ""),
                               coder=form.get("coder", ""), decision="add", note=form.get("note"),
                               known_codes=site.code_ids(), span=(start, end))
    except ReviewNotFound as exc:
        raise HttpProblem(404, str(exc)) from None
    except ReviewInputError as exc:
        raise HttpProblem(400, str(exc)) from None


def _undo(store: ProjectStore, site: ReviewSite, queue_filter: QueueFilter, at: str) -> dict:
    """Undo the coder's last browser decision; the query of the page to show next (the undone item)."""
    try:
        result = undo_last_decision(store, queue_filter.coder)
    except ReviewInputError as exc:
        raise HttpProblem(409, str(exc)) from None
    query: dict = queue_filter.query()
    if result is None:
        return {**query, "undone": 0}
    query["undone"] = result.restored.decision_id
    key = at if result.undone.decision == "add" else item_key(result.undone.segment_id, result.undone.code_id)
    if key:
        query["near"] = key   # the undone item again, when the filters still show it
    return query


def _coder(name: str | None) -> str:
    try:
        return check_coder(name)
    except ReviewInputError as exc:
        raise HttpProblem(400, str(exc)) from None


def _filter(coder, code, source, status, order) -> QueueFilter:
    try:
        return QueueFilter(coder=_coder(coder), code=code or None, source=source or None,
                           status=status or "pending", order=order or "document")
    except ValueError as exc:
        raise HttpProblem(400, str(exc)) from None


async def _form(request: Request, form_key: str) -> dict[str, str]:
    return (await _form_lists(request, form_key))[0]


async def _form_lists(request: Request, form_key: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The form's fields (last value of each) and every value of each (ticked boxes repeat a name).

    Read only up to MAX_FORM_BYTES (a 390 MB POST used to be read whole first).
    """
    from urllib.parse import parse_qsl

    length = request.headers.get("content-length", "")
    if length and (not length.isdigit() or int(length) > MAX_FORM_BYTES):
        raise HttpProblem(413, f"a review form is at most {MAX_FORM_BYTES} bytes")
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        raise HttpProblem(415, "review forms are sent as application/x-www-form-urlencoded")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise HttpProblem(413, f"a review form is at most {MAX_FORM_BYTES} bytes")
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    except (UnicodeDecodeError, ValueError):
        raise HttpProblem(400, "the form is not UTF-8 form data") from None
    values, lists = {}, {}
    for key, value in pairs:
        values[key] = value
        lists.setdefault(key, []).append(value)
    if not _same_secret(values.get("form_key", ""), form_key):
        raise HttpProblem(403, "this form is not from this review server (reload the page and try again)")
    return values, lists


def _same_secret(offered: str, expected: str) -> bool:
    # Bytes, not str: compare_digest raises TypeError on non-ASCII text (an HTTP 500 before).
    return secrets.compare_digest(offered.encode("utf-8", "surrogateescape"), expected.encode("utf-8"))


def _host_name(header: str) -> str:
    """The host of a Host header: '[::1]:8000' -> '::1', 'localhost:8000' -> 'localhost', '::1' -> '::1'."""
    header = header.strip().lower()
    if header.startswith("["):
        end = header.find("]")
        return header[1:end] if end > 0 else header
    if header.count(":") == 1:
        return header.split(":", 1)[0]
    return header


def _flash(store: ProjectStore, saved: int | None, undone: int | None, coder: str) -> dict | None:
    """What the page says about the last action, read back from the store (so 'saved' is true)."""
    decision_id = saved if saved else undone
    if undone == 0 and not saved:
        return {"kind": "undo", "text": "nothing to undo", "row": None}
    if not decision_id:
        return None
    with store.engine.connect() as conn:
        row = conn.execute(select(s.decisions).where(s.decisions.c.decision_id == decision_id,
                                                     s.decisions.c.coder == coder)).mappings().first()
    if row is None:
        return None
    return {"kind": "saved" if saved else "undo", "row": dict(row), "text": ""}


def _access_problem(request: Request, token: str | None) -> tuple[int, str] | None:
    if token:
        offered = (request.query_params.get("token") or request.cookies.get(TOKEN_COOKIE)
                   or request.headers.get("authorization", "").removeprefix("Bearer ").strip())
        if not offered or not _same_secret(offered, token):
            return 401, ("This review server needs its access token: open the address with ?token=... "
                         "that `qualmine review serve` printed when it started.")
        return None
    host = _host_name(request.headers.get("host") or "")
    if host not in LOOPBACK_HOSTS:
        return 403, (f"This review server answers loopback addresses only ({', '.join(LOOPBACK_HOSTS)}), "
                     f"not {host!r}; serve with --host and a token to share it.")
    return None


def _plain_error(status: int, message: str) -> str:
    from markupsafe import escape

    return (f"<!doctype html><meta charset=utf-8><title>{status}</title>"
            f"<h1>{status}</h1><p>{escape(message)}</p>")
