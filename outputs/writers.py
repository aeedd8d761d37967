"""Write and read run tables: CSV in UTF-8 with BOM (Excel shows Chinese right) plus Parquet.

The CSV is for people and opens in Excel, so a text a spreadsheet would run as a formula
(`=HYPERLINK(...)`, `+`, `-`, `@`...) gets an apostrophe in front, exactly as review files do
(`coding.review.formats.neutralise`, one helper); the Parquet file keeps every value raw, and
`read_table` reads Parquet first (and undoes the apostrophe when only the CSV is there).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

import pandas as pd


def write_table(frame: pd.DataFrame, out_dir: str | Path, name: str) -> list[Path]:
    """Write `name.csv` (utf-8-sig) and `name.parquet` atomically into `out_dir`; return the paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path, parquet_path = out_dir / f"{name}.csv", out_dir / f"{name}.parquet"
    # Write to a temporary name first so a crash never leaves a half-written table behind a good name.
    tmp_csv, tmp_parquet = csv_path.with_suffix(".csv.tmp"), parquet_path.with_suffix(".parquet.tmp")
    spreadsheet_safe(frame).to_csv(tmp_csv, index=False, encoding="utf-8-sig")
    frame.to_parquet(tmp_parquet, index=False)
    os.replace(tmp_csv, csv_path)
    os.replace(tmp_parquet, parquet_path)
    return [csv_path, parquet_path]


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with every text a spreadsheet would run as a formula neutralised (a copy only when needed)."""
    from qualmine.coding.review.formats import FORMULA_START, neutralise

    out = None
    for column in frame.columns:
        values = frame[column]
        if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
            continue
        first = values.astype("string").str.lstrip("'").str[:1]
        hit = first.isin(FORMULA_START).fillna(False).to_numpy(dtype=bool)
        if hit.any():
            if out is None:
                out = frame.copy()
            out[column] = values.astype(object)
            out.loc[hit, column] = [neutralise(v) for v in values[hit]]
    return frame if out is None else out


def write_tables(tables: Iterable[tuple[str, pd.DataFrame]], out_dir: str | Path) -> list[Path]:
    """Write each (name, frame) pair with `write_table`."""
    written: list[Path] = []
    for name, frame in tables:
        written.extend(write_table(frame, out_dir, name))
    return written


def read_table(run_dir: str | Path, name: str) -> pd.DataFrame | None:
    """Read a run table back (Parquet when present, else CSV); None when the run has no such table."""
    run_dir = Path(run_dir)
    parquet_path, csv_path = run_dir / f"{name}.parquet", run_dir / f"{name}.csv"
    if parquet_path.exists():
        return pd.read_parquet(parquet_path)
    if csv_path.exists():
        from qualmine.coding.review.formats import restore

        return pd.read_csv(csv_path, encoding="utf-8-sig", dtype=str, keep_default_na=False).map(restore)
    return None
