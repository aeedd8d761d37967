"""REFI-QDA exchange (.qdc codebooks, .qdpx projects), both directions."""
