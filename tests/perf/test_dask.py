"""The Dask path (prefect-dask's DaskTaskRunner on a real LocalCluster with worker processes)
writes the same tables as a plain local run."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from qualmine.corpus import EXAMPLE_CORPUS
from qualmine.codebooks import EXAMPLE_CODEBOOK

REPO = Path(__file__).resolve().parents[2]
TABLES = ("documents", "respondents", "segments", "code_applications", "code_frequency", "chains",
          "ingestion_report")


def _settings(out: Path, **extra):
    from qualmine.flows.settings import RunSettings

    return RunSettings(corpus_dir=EXAMPLE_CORPUS, codebook_path=EXAMPLE_CODEBOOK, out_dir=out, run_id="same-run",
                       topics=False, store=None, batch_size=40, **extra)


def test_dask_cluster_run_writes_the_same_tables_as_a_plain_run(prefect_harness, tmp_path):
    distributed = pytest.importorskip("distributed")
    from qualmine.flows.pipeline import run_pipeline

    plain = run_pipeline(_settings(tmp_path / "plain"))
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address="127.0.0.1:0") as cluster, distributed.Client(cluster) as client:
        on_dask = run_pipeline(_settings(tmp_path / "dask", dask_address=cluster.scheduler_address))
        # the chunks really ran on the cluster's worker processes, not in this one
        worker_pids = set(client.run(lambda: __import__("os").getpid()).values())
        ran_chunks = client.run(lambda: __import__("qualmine.flows.runtime.pool", fromlist=["_CODERS"])._CODERS != {})
    assert len(worker_pids) == 2 and any(ran_chunks.values())
    assert plain.counts == on_dask.counts and plain.counts["code_applications"] > 300
    for name in TABLES:
        want = pd.read_parquet(tmp_path / "plain" / f"{name}.parquet")
        got = pd.read_parquet(tmp_path / "dask" / f"{name}.parquet")
        assert_frame_equal(got, want, obj=name)


def test_remote_dask_needs_a_reachable_prefect_api(monkeypatch):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from qualmine.flows.runtime.dask_runner import DaskSetupError, dask_task_runner

    with temporary_settings(updates={PREFECT_API_URL: ""}):
        with pytest.raises(DaskSetupError, match="PREFECT_API_URL"):
            with dask_task_runner("tcp://127.0.0.1:1"):
                pass
    with pytest.raises(DaskSetupError, match="--dask-local"):
        with dask_task_runner(None, 0):
            pass


def test_settings_reject_two_clusters_and_bad_addresses():
    with pytest.raises(ValueError, match="'dask_address' parameter of RunSettings"):
        _settings(Path("/tmp/x"), dask_address="tcp://h:1", dask_local=2)
    with pytest.raises(ValueError, match="scheduler address like"):
        _settings(Path("/tmp/x"), dask_address="localhost:8786")
    with pytest.raises(ValueError, match="'dask_local' parameter"):
        _settings(Path("/tmp/x"), dask_local=-1)
