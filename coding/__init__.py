"""Coding stage: codebook model, rule coding, the linked tables (and later review and learning)."""
from qualmine.coding.codebook import Code, Codebook, CodebookError, CodebookProblem, load_codebook, parse_codebook

__all__ = ["Code", "Codebook", "CodebookError", "CodebookProblem", "load_codebook", "parse_codebook"]
