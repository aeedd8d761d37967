"""Print README command N (1: set up and run the main flow; 2: run the tests) exactly as README.md writes it.

The commands are the ```bash blocks of the README's "Quick start" section, so CI runs what a new
user copies and the two can never drift.
"""
import re
import sys
from pathlib import Path

readme = Path(__file__).resolve().parent.parent.joinpath("README.md").read_text(encoding="utf-8")
section = re.search(r"^## Quick start\n(.*?)(?=^## )", readme, re.S | re.M)
if not section:
    sys.exit("README.md has no '## Quick start' section")
blocks = re.findall(r"^```bash\n(.*?)^```", section.group(1), re.S | re.M)
n = int(sys.argv[1])
if len(blocks) < n:
    sys.exit(f"README.md's Quick start has {len(blocks)} bash block(s); command {n} was asked for")
print(blocks[n - 1].strip())
