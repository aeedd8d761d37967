"""A pytest plugin (loaded by tests/conftest.py): under CI=true, a test that skipped for want of
../shared or Chromium fails the run.

CI has both (.ci/run installs chromium; a copy of shared/ sits beside the clone), so such a skip
there means a broken set-up, and a green run would hide that those tests never ran. On a user's
machine they skip as before. A skip counts when its reason names "../shared" or "chromium", so
tests that need either must say so in their reason.
"""
from __future__ import annotations

import os

import pytest

NEEDS = ("../shared", "chromium")


def _reason(report) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:   # (path, line, "Skipped: reason")
        return str(longrepr[2])
    return str(longrepr)


class CiSkips:
    """Collects the skips that name ../shared or chromium; fails a passing run under CI=true."""

    def __init__(self) -> None:
        self.skips: list[str] = []

    def _note(self, report) -> None:
        if report.skipped and not hasattr(report, "wasxfail"):
            reason = _reason(report)
            if any(need in reason.lower() for need in NEEDS):
                self.skips.append(f"{report.nodeid}: {reason}")

    def pytest_runtest_logreport(self, report):
        self._note(report)

    def pytest_collectreport(self, report):       # module-level skips (allow_module_level=True)
        self._note(report)

    def pytest_sessionfinish(self, session, exitstatus):
        passing = (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED)   # 5: every test skipped at collection
        if os.environ.get("CI") == "true" and self.skips and session.exitstatus in passing:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter):
        if os.environ.get("CI") == "true" and self.skips:
            terminalreporter.section("skipped under CI=true", sep="!", red=True, bold=True)
            terminalreporter.write_line(f"{len(self.skips)} test(s) skipped for want of ../shared or chromium, which "
                                        "CI has (.ci/run installs chromium; shared/ sits beside the clone): "
                                        "the run fails.")
            for line in self.skips:
                terminalreporter.write_line(f"  {line}")


def pytest_configure(config):
    config.pluginmanager.register(CiSkips(), "qualmine-ci-skips")
