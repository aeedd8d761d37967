"""Where flows run: Prefect's local API server (boot, launch, resident), the process pool, Dask."""
