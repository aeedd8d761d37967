"""The project store: one schema (segments, suggestions, decisions, undo), sync and decision rules."""
