"""End to end in a real browser: Debian's chromium driven by Playwright, against `qualmine review serve`.

Skips (with the reason) when /usr/bin/chromium or the playwright package is missing; `.ci/run`
installs chromium so these run in CI. Nothing here downloads a browser.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from qualmine.coding.review.web_store import current_decisions
from qualmine.coding.store.database import ProjectStore
from web_helpers import HOSTILE_SEGMENT, REPO

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SCREENSHOT = REPO / "qualmine-runs" / "screenshots" / "review_queue.png"   # git-ignored; look at it after a run
START_TIMEOUT = 120

if not CHROMIUM.exists():
    pytest.skip("end-to-end browser tests need /usr/bin/chromium (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="end-to-end browser tests (chromium) need the playwright package "
                               "(pip install -e '.[dev]')")


@pytest.fixture(scope="module")
def served(tmp_path_factory, web_store_template):
    """`qualmine review serve` on a free loopback port over a fresh store: (address, store path)."""
    folder = tmp_path_factory.mktemp("served")
    store_path = folder / "store.sqlite"
    shutil.copyfile(web_store_template, store_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "qualmine.flows.cli.app", "review", "serve", "--store", str(store_path), "--port", "0"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "COLUMNS": "200"})
    lines: list[str] = []
    found = threading.Event()
    address: list[str] = []

    def read() -> None:
        for line in process.stdout:
            lines.append(line)
            match = re.search(r"http://127\.0\.0\.1:\d+/", line)
            if match and not address:
                address.append(match.group(0))
                found.set()

    threading.Thread(target=read, daemon=True).start()
    if not found.wait(START_TIMEOUT):
        process.kill()
        pytest.fail(f"review serve printed no address within {START_TIMEOUT} s:\n{''.join(lines)}")
    yield address[0], store_path
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda exc: errors.append(str(exc)))
    opened.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    opened.js_errors = errors
    yield opened
    context.close()


def _shown(page) -> tuple[str, str]:
    return (page.locator("#decide-form input[name=segment_id]").get_attribute("value"),
            page.locator("#decide-form input[name=code_id]").get_attribute("value"))


def _press(page, key: str) -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def _done(page) -> int:
    return int(page.locator("#done").inner_text())


def test_a_coder_works_through_the_queue_with_keys_and_buttons(served, page):
    address, store_path = served
    coder = "e2e 编码员"
    page.goto(address)
    page.fill("#coder", coder)
    with page.expect_navigation():
        page.click("#start")
    assert page.evaluate("localStorage.getItem('qualmine.review.coder')") == coder
    assert _done(page) == 0
    remaining = int(page.locator("#remaining").inner_text())

    first = _shown(page)
    _press(page, "a")
    assert "Saved" in page.locator("#flash").inner_text() and "accept" in page.locator("#flash").inner_text()
    assert _done(page) == 1 and int(page.locator("#remaining").inner_text()) == remaining - 1
    second = _shown(page)
    assert second != first
    _press(page, "r")
    assert _done(page) == 2
    skipped = _shown(page)
    _press(page, "s")
    assert _done(page) == 2 and _shown(page) != skipped              # skip moves on, records nothing
    third = _shown(page)
    with page.expect_navigation():
        page.click("#accept")
    assert _done(page) == 3

    fourth = _shown(page)
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "code-search"
    page.keyboard.type("健康")
    visible = page.locator("#code-list li:not([hidden])")
    assert visible.count() >= 1 and "N-HEALTH" in visible.first.inner_text()
    assert page.locator("#code-list li[data-search^='p-operation ']").is_hidden()
    with page.expect_navigation():
        page.keyboard.press("Enter")                                   # Enter adds the first listed code
    assert _shown(page) == fourth                                     # still to decide the suggested code
    assert "N-HEALTH" in page.locator("#added-codes").inner_text()

    page.click("#note")
    page.keyboard.type("a r s 证据不足，需要讨论")                       # keys in the note are text, not decisions
    assert page.input_value("#note") == "a r s 证据不足，需要讨论"
    with page.expect_navigation():
        page.click("#reject")
    assert _done(page) == 4
    _press(page, "u")                                                  # undo the rejection with its note
    assert "Undone" in page.locator("#flash").inner_text()
    assert _shown(page) == fourth and _done(page) == 3
    assert page.js_errors == []

    with ProjectStore(store_path) as store:
        trail = store.decisions(coder=coder)
    assert list(trail["decision"]) == ["accept", "reject", "accept", "add", "reject", "retract"]
    assert list(zip(trail["segment_id"], trail["code_id"]))[:3] == [first, second, third]
    assert (trail.iloc[3]["segment_id"], trail.iloc[3]["code_id"]) == (fourth[0], "N-HEALTH")
    assert trail.iloc[4]["note"] == "a r s 证据不足，需要讨论"
    assert skipped not in set(zip(trail["segment_id"], trail["code_id"]))
    current = current_decisions(trail)
    assert sorted(current["decision"]) == ["accept", "accept", "add", "reject"]

    page.goto(address)                                                 # the name is remembered
    assert page.input_value("#coder") == coder


def test_queue_page_fits_the_screen_and_a_screenshot_is_kept(served, page):
    address, _ = served
    page.goto(f"{address}queue?coder=screenshot&code=P-OPERATION-STAFF")
    assert page.locator("#current-segment mark").count() >= 1          # evidence highlighted in context
    assert page.locator("#attributes").inner_text().strip() != ""      # respondent attributes shown
    for width, height in ((1280, 800), (1366, 768), (1024, 640)):
        page.set_viewport_size({"width": width, "height": height})
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"overflow at {width}"
        for button in ("#accept", "#reject", "#skip"):
            box = page.locator(button).bounding_box()
            assert box and box["y"] + box["height"] <= height, f"{button} below the fold at {width}x{height}"
    page.set_viewport_size({"width": 1280, "height": 800})
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 10_000
    assert page.js_errors == []


def test_a_hostile_answer_is_shown_as_text_and_runs_nothing(served, page):
    address, _ = served
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{address}queue?coder=escaper&at={HOSTILE_SEGMENT}~P-OPERATION-HOURS")
    shown = page.locator("#current-segment .text").inner_text()
    assert '<script>alert("pwned")</script>' in shown and "<b>bold</b>" in shown
    assert page.locator("#current-segment b").count() == 0
    assert page.locator("#current-segment mark").inner_text() == "排队"
    assert dialogs == []


def test_the_code_page_opens_from_the_queue(served, page):
    address, _ = served
    page.goto(f"{address}queue?coder=reader&code=N-HEALTH")
    with page.expect_navigation():
        page.click("#code-id")
    assert page.locator("h1").inner_text().startswith("N-HEALTH")
    assert page.locator("#pending .count").inner_text().isdigit()
    assert page.js_errors == []


def test_a_coder_selects_a_span_in_a_document_and_codes_it(served, page):
    address, store_path = served
    coder = "span 编码员"
    doc_id = "interview_01_resident.txt"
    page.goto(f"{address}document?coder={coder}&doc={doc_id}")
    assert page.locator(".doc-text .piece.suggested").count() >= 1         # suggestions in place
    assert page.locator(".span-code").first.is_disabled()                  # nothing selected yet
    wanted = "差不多一个星期来两三次"
    # Select the words as a mouse would: a range over the text node that holds them.
    selected = page.evaluate("""(wanted) => {
        for (const piece of document.querySelectorAll('.doc-text .piece')) {
            const node = piece.firstChild, at = node ? node.data.indexOf(wanted) : -1;
            if (at < 0) continue;
            const range = document.createRange();
            range.setStart(node, at); range.setEnd(node, at + wanted.length);
            const selection = window.getSelection();
            selection.removeAllRanges(); selection.addRange(range);
            return selection.toString();
        }
        return null;
    }""", wanted)
    assert selected == wanted
    page.wait_for_function("document.getElementById('span-quote').value !== ''")
    assert page.locator("#selection-text").inner_text() == wanted
    page.fill("#code-search", "健康")
    with page.expect_navigation():
        page.locator("#code-list li:not([hidden]) .span-code").first.click()
    assert "Saved" in page.locator("#flash").inner_text()
    with ProjectStore(store_path) as store:
        row = store.decisions(coder=coder).iloc[-1]
        text = store.documents().set_index("doc_id").at[doc_id, "text"]
    assert (row["decision"], row["code_id"]) == ("add", "N-HEALTH")
    assert text[int(row["start"]):int(row["end"])] == wanted
    coded = page.locator(f".piece.coded[data-start='{int(row['start'])}']")
    assert coded.inner_text() == wanted and "N-HEALTH" in coded.get_attribute("data-coded")

    # A selection across pieces and an in-place chip (mouse drag over highlighted words) counts only the text.
    box_from = page.locator(".doc-text .piece.suggested").first
    start = int(box_from.get_attribute("data-start"))
    page.evaluate("""() => {
        const first = document.querySelector('.doc-text .piece.suggested');
        let last = first; for (let i = 0; i < 4 && last.nextElementSibling; i++) last = last.nextElementSibling;
        while (!last.classList.contains('piece')) last = last.previousElementSibling;
        const range = document.createRange();
        range.setStart(first.firstChild, 0); range.setEnd(last.firstChild, last.firstChild.data.length);
        window.getSelection().removeAllRanges(); window.getSelection().addRange(range);
    }""")
    page.wait_for_function(f"document.getElementById('span-start').value === '{start}'")
    quote = page.input_value("#span-quote")
    end = int(page.input_value("#span-end"))
    assert text[start:end] == quote and len(quote) == end - start
    with page.expect_navigation():
        page.locator(".span-code").first.click()
    with ProjectStore(store_path) as store:
        row = store.decisions(coder=coder).iloc[-1]
    assert (int(row["start"]), int(row["end"])) == (start, end)
    assert page.js_errors == []


def test_bulk_reject_on_a_code_page_and_accept_all_on_a_segment(served, page):
    address, store_path = served
    coder = "bulk coder"
    page.goto(f"{address}codes/P-OPERATION-STAFF?coder={coder}")
    boxes = page.locator(".pick-segment")
    total = boxes.count()
    assert total >= 2
    page.check("#select-all")
    assert all(boxes.nth(i).is_checked() for i in range(total))
    boxes.nth(0).uncheck()
    chosen = [boxes.nth(i).get_attribute("value") for i in range(1, total)]
    with page.expect_navigation():
        page.click("#bulk-reject")
    assert f"Saved {total - 1} decision(s)" in page.locator("#flash").inner_text()
    assert page.locator(".pick-segment").count() == 1
    with ProjectStore(store_path) as store:
        mine = current_decisions(store.decisions(coder=coder))
    assert sorted(mine["segment_id"]) == sorted(chosen) and set(mine["decision"]) == {"reject"}

    with ProjectStore(store_path) as store:
        suggested = store.suggestions().drop_duplicates(["segment_id", "code_id"])
    counts = suggested.groupby("segment_id")["code_id"].nunique()
    segment_id = next(s for s in counts[counts >= 2].index if s not in chosen)
    first_code = suggested.loc[suggested["segment_id"] == segment_id, "code_id"].iloc[0]
    page.goto(f"{address}queue?coder={coder}&at={segment_id}~{first_code}")
    assert page.locator("#segment-codes li").count() == counts[segment_id]
    _press(page, "Shift+A")                                                  # A: accept all on the segment
    assert _shown(page)[0] != segment_id                                    # the whole segment is done
    with ProjectStore(store_path) as store:
        mine = current_decisions(store.decisions(coder=coder))
    done = mine[mine["segment_id"] == segment_id]
    assert len(done) == counts[segment_id] and set(done["decision"]) == {"accept"}
    assert page.js_errors == []


def test_every_source_filter_answers_in_the_browser_before_such_suggestions_exist(served, page):
    address, _ = served
    page.goto(f"{address}queue?coder=filterer")
    for source in ("model", "topic", "rule", ""):
        with page.expect_navigation():
            page.select_option("#filter-source", source)                 # the page submits on change
        assert page.locator("h1").first.inner_text() != "500"
        assert page.locator("#filter-source").input_value() == source
        empty = page.locator("#queue-empty").count() == 1
        assert empty == (source in ("model", "topic")), source           # the example store has rule suggestions only
    with page.expect_navigation():
        page.select_option("#filter-status", "decided")
    assert page.locator("#queue-empty").count() == 1
    assert page.js_errors == []


def test_codes_are_added_to_a_segment_without_a_suggestion_with_keys(served, page):
    address, store_path = served
    coder = "e2e uncoded"
    page.goto(f"{address}queue?coder={coder}&source=uncoded&order=uncertainty")
    segment_id = page.locator("#uncoded-form input[name=segment_id]").get_attribute("value")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "code-search"
    page.keyboard.type("健康")
    page.keyboard.press("Enter")                                       # Enter ticks the first code listed
    assert page.locator("#code-list input[value=N-HEALTH]").is_checked()
    page.fill("#code-search", "")
    page.locator("#code-list input[value=P-OPERATION-HOURS]").check()
    page.keyboard.press("Escape")
    _press(page, "a")                                                  # a: add the ticked codes
    assert "Saved" in page.locator("#flash").inner_text()
    assert page.locator("#uncoded-form input[name=segment_id]").get_attribute("value") != segment_id
    assert page.js_errors == []
    with ProjectStore(store_path) as store:
        trail = store.decisions(coder=coder)
    assert sorted(zip(trail["segment_id"], trail["code_id"], trail["decision"])) == [
        (segment_id, "N-HEALTH", "add"), (segment_id, "P-OPERATION-HOURS", "add")]
