"""The browser review page: a small FastAPI app over the project store."""
