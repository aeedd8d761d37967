"""Prefect flows that wire the stages; they only orchestrate."""
import flows.prefect_env  # noqa: F401
