"""The doctests of small pure functions run in the suite (the examples in their docstrings are true)."""
import doctest
import importlib

import pytest

MODULES = ["qualmine", "qualmine.corpus.normalize", "qualmine.corpus.lang", "qualmine.corpus.records",
           "qualmine.coding.review.agreement"]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{name} has no doctest"
    assert result.failed == 0
