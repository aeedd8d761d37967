"""The command line: one Typer app (`app.py`), one module per command group."""
