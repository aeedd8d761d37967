"""The README's examples run as written: the Python API block, and the CI extraction of its commands."""
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


def test_the_python_api_example_runs_as_written(tmp_path, monkeypatch, prefect_harness):
    section = README[README.index("## From Python"):]
    block = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    (tmp_path / "corpus").symlink_to(REPO / "corpus", target_is_directory=True)   # its relative corpus path
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("QUALMINE_HOME", raising=False)
    namespace: dict = {}
    exec(compile(block, "README.md (From Python)", "exec"), namespace)
    run = namespace["run"]
    assert run.out_dir.parent == tmp_path.resolve() / "qualmine-runs"       # the working folder, not the package
    assert len(run.segments) == run.counts["segments"] > 0
    assert {"segment_id", "code_id"} <= set(run.code_applications.columns)
    assert len(run.chains) > 0


def test_ci_runs_the_readme_commands_as_written():
    section = README[README.index("## Quick start"):README.index("## The workflow")]
    blocks = re.findall(r"```bash\n(.*?)```", section, re.S)
    for n, block in enumerate(blocks[:2], start=1):
        printed = subprocess.run([sys.executable, str(REPO / ".ci" / "readme_command.py"), str(n)],
                                 capture_output=True, text=True, check=True).stdout
        assert printed.strip() == block.strip()
    assert "-c requirements-lock.txt" in blocks[0] and blocks[1].strip() == ".venv/bin/pytest"
