"""Codebook files (YAML). The format is documented in codebooks/README.md."""
from pathlib import Path

EXAMPLE_CODEBOOK = Path(__file__).with_name("community_governance.yaml")
