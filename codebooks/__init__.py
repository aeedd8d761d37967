"""Codebook files (YAML). The format is documented in codebooks/README.md."""
from importlib import resources
from pathlib import Path

# The shipped example (read with importlib.resources: the same path in a checkout and a wheel).
EXAMPLE_CODEBOOK = Path(str(resources.files(__name__).joinpath("community_governance.yaml")))
