"""Prefect flows that wire the stages; they only orchestrate."""
import qualmine.flows.runtime.env  # noqa: F401
