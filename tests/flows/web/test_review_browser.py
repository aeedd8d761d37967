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
SCREENSHOT = REPO / "outputs" / "screenshots" / "review_queue.png"
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
