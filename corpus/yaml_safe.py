"""YAML for files a user or another tool wrote: safe tags only and no aliases.

An alias (`*name`) shares a node, and nested aliases multiply: a 13-line "billion laughs" file
expands to billions of items in whatever walks the data afterwards (a 13-line manifest took 49 s
and 3.4 GB, a codebook check printed 312 MB; issue #17). Codebooks, manifests, example pools and
the qualmine block of a .qdc never need them, so every YAML text qualmine reads goes through
`safe_load` / `safe_compose`, which refuse the first alias with its line before anything expands.
"""
from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import ComposerError

# libyaml where installed: ~10x faster (a codebook is loaded by every run and every worker).
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def refuse_aliases(text: str) -> None:
    """Raise a `yaml.YAMLError` (with `problem_mark`) at the first alias (`*name` or `<<: *name`) in `text`."""
    for event in yaml.parse(text, Loader=LOADER):
        if isinstance(event, yaml.AliasEvent):
            raise ComposerError(None, None, f"YAML aliases (*{event.anchor}) are not allowed: write the value out",
                                event.start_mark)


def safe_load(text: str) -> Any:
    """`yaml.safe_load` that refuses aliases (see the module docstring)."""
    refuse_aliases(text)
    return yaml.load(text, Loader=LOADER)


def safe_compose(text: str) -> yaml.Node | None:
    """`yaml.compose` (node tree with line marks) with safe tags, refusing aliases."""
    refuse_aliases(text)
    return yaml.compose(text, Loader=LOADER)
