"""Limits for zip-based inputs (.docx, .qdpx): a small file must not cost gigabytes.

A zip states each entry's inflated size, and Python's zipfile never returns more than that, so
the sum of the stated sizes bounds what reading the whole archive costs. A 250 KB .docx inflated
to 2.3 GB and a 455 KB .qdpx to 5 GB (issue #17); the caps here are per archive, not per entry.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

MAX_ENTRIES = 10_000
MAX_INFLATED_BYTES = 1024**3   # 1 GiB: far above any real interview or project, far below a bomb's gigabytes


def archive_problem(path: str | Path | zipfile.ZipFile, *, max_total: int | None = None,
                    max_entries: int | None = None) -> str | None:
    """Why the zip at `path` is refused (too many entries, too much inflated data), or None when it is within bounds.

    A file that is not a zip returns None: the caller's reader reports that in its own words.
    The limits default to MAX_INFLATED_BYTES and MAX_ENTRIES.
    """
    max_total = MAX_INFLATED_BYTES if max_total is None else max_total
    max_entries = MAX_ENTRIES if max_entries is None else max_entries
    try:
        if isinstance(path, zipfile.ZipFile):
            infos = path.infolist()
        else:
            with zipfile.ZipFile(path) as archive:
                infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if len(infos) > max_entries:
        return f"the archive holds {len(infos)} entries, more than the {max_entries} allowed"
    total = sum(info.file_size for info in infos)
    if total > max_total:
        return f"the archive inflates to {total} bytes, more than the {max_total} allowed"
    return None
