"""The built wheel installs one top-level package, `qualmine`, and runs from anywhere without writing into it.

Builds the wheel, installs it (no deps, non-editable) into a new virtualenv that borrows this
environment's dependencies through a .pth line (so nothing is downloaded), and from an unrelated
folder holding a `models.py` and a `corpus/` data folder runs `qualmine run` on the bundled example.
"""
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BARE = ("models", "corpus", "flows", "coding", "outputs", "codebooks", "benchmarks", "tests")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    # Built from a copy: setuptools builds in the source tree and would leave build/ in the checkout.
    source = tmp_path_factory.mktemp("source") / "qualmine"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "qualmine-runs", "__pycache__", ".pytest_cache"))
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-v", "-w", str(out), str(source)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    # Every data folder is declared: setuptools warns of none left out of the packages list.
    assert "is absent from the `packages` configuration" not in proc.stdout + proc.stderr
    (built,) = out.glob("qualmine-*.whl")
    return built


def test_the_wheel_holds_one_top_level_package_with_its_data(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith((".dist-info", ".data"))}
    assert tops == {"qualmine"}, tops
    for needed in ("qualmine/__init__.py", "qualmine/corpus/examples/manifest.yaml",
                   "qualmine/codebooks/community_governance.yaml", "qualmine/models/data/stopwords_zh.txt",
                   "qualmine/flows/web/templates/queue.html", "qualmine/outputs/report/templates/report.html.j2",
                   "qualmine/outputs/refi/schemas/Project-mrt2019.xsd", "qualmine/flows/cli/app.py"):
        assert needed in names, needed
    assert not any(n.startswith("qualmine/tests/") or n.startswith("qualmine/benchmarks/") for n in names)


def _snapshot(folder: Path) -> dict[str, float]:
    return {str(p.relative_to(folder)): p.stat().st_mtime for p in folder.rglob("*")
            if "__pycache__" not in p.parts}


def test_installed_wheel_runs_from_an_unrelated_folder_and_writes_nothing_into_site_packages(wheel, tmp_path,
                                                                                          prefect_home):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    # This environment's dependencies, but not its editable qualmine: .pth files inside an added
    # folder are not processed, so only the wheel provides `qualmine`.
    (site / "borrowed_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
                    "-q", str(wheel)], check=True, capture_output=True)
    for name in BARE:
        assert not (site / name).exists() and not (site / f"{name}.py").exists(), name
    before = _snapshot(site / "qualmine")

    work = tmp_path / "elsewhere"
    (work / "corpus").mkdir(parents=True)
    (work / "corpus" / "notes.txt").write_text("a data folder named like a package\n", encoding="utf-8")
    (work / "models.py").write_text("raise ImportError('the user\\'s own models.py was imported')\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "QUALMINE_", "PYTHON"))}
    env.update({"HOME": str(tmp_path / "home"), "PREFECT_HOME": str(prefect_home),   # migrated once per session
                "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120"})
    probe = subprocess.run([str(python), "-c", "import qualmine, qualmine.models.stage, qualmine.corpus; "
                            "print(qualmine.corpus.EXAMPLE_CORPUS)"], cwd=work, env=env,
                           capture_output=True, text=True)
    assert probe.returncode == 0, probe.stderr[-3000:]
    assert Path(probe.stdout.strip()).is_relative_to(site / "qualmine")
    for name in BARE:
        bare = subprocess.run([str(python), "-c", f"import {name}"], cwd=tmp_path, env=env,
                              capture_output=True, text=True)
        assert bare.returncode != 0, f"a bare `{name}` is importable from the installed wheel"

    run = subprocess.run([str(venv / "bin" / "qualmine"), "run", "--no-topics"], cwd=work, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-3000:]
    runs = list((work / "qualmine-runs").glob("*/run_manifest.json"))
    assert len(runs) == 1 and (runs[0].parent / "segments.parquet").exists()
    assert (work / "qualmine-runs" / "qualmine.sqlite").exists()
    assert _snapshot(site / "qualmine") == before, "the run wrote into the installed package"
