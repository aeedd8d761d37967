"""Writers at the edge of the pipeline: tables (CSV + Parquet), the run manifest, reports."""
from qualmine.outputs.writers import read_table, write_table, write_tables
from qualmine.outputs.manifest import build_run_manifest, file_sha256, write_run_manifest

__all__ = ["write_table", "write_tables", "read_table", "build_run_manifest", "write_run_manifest", "file_sha256"]
