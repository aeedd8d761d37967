"""Benchmark scripts: print measured numbers (speed and quality targets live here, not in tests)."""
