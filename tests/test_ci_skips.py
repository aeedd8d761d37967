"""tests/ci_skips.py: under CI=true a skip for want of ../shared or chromium fails the run."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent

SUITE = '''
import pytest

def test_runs():
    pass

def test_needs_shared():
    pytest.skip("../shared/corpora is not present (only on the team's machines)")

def test_needs_something_else():
    pytest.skip("rjieba is not installed")
'''


def run(tmp_path: Path, ci: str | None, suite: str = SUITE) -> subprocess.CompletedProcess:
    (tmp_path / "test_suite.py").write_text(suite, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS")}
    env["PYTHONPATH"] = str(TESTS)
    if ci is not None:
        env["CI"] = ci
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "ci_skips", "-p", "no:cacheprovider", "-q", "-rs",
                           "--rootdir", str(tmp_path), str(tmp_path)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("ci", [None, "false"])
def test_outside_ci_those_skips_are_only_skips(tmp_path, ci):
    result = run(tmp_path, ci)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed, 2 skipped" in result.stdout and "skipped under CI=true" not in result.stdout


def test_under_ci_a_skip_for_shared_or_chromium_fails_the_run(tmp_path):
    result = run(tmp_path, "true")
    assert result.returncode == pytest.ExitCode.TESTS_FAILED, result.stdout + result.stderr
    assert "skipped under CI=true" in result.stdout
    assert "test_suite.py::test_needs_shared: Skipped: ../shared/corpora is not present" in result.stdout
    section = result.stdout.split("skipped under CI=true")[1].split("short test summary")[0]
    assert "1 test(s) skipped" in section and "rjieba" not in section     # other skips stay skips


def test_under_ci_a_module_skipped_for_chromium_fails_the_run_and_other_skips_do_not(tmp_path):
    module_skip = 'import pytest\npytest.skip("end-to-end browser tests need /usr/bin/chromium", allow_module_level=True)\n'
    assert run(tmp_path, "true", module_skip).returncode == pytest.ExitCode.TESTS_FAILED
    plain = SUITE.replace("../shared/corpora is not present", "a reason of another kind")
    assert run(tmp_path, "true", plain).returncode == 0
