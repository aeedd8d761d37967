"""Database passwords kept out of Prefect flow parameters.

Prefect's API server stores every flow run's parameters in its database (SQLite under
PREFECT_HOME for the temporary server), so a store URL such as
`postgresql+psycopg://coder:PASSWORD@host/db` passed as a flow parameter would be written to disk
in clear (issue #17). A runner passes `hide_secrets(url)` instead (`***` for the password, as
SQLAlchemy prints it) and the flow body calls `reveal_secrets` on it: the password travels in
this process's memory only, never through the API. A flow run started in another process (a
deployment) has no password to reveal; the URL then stays hidden and the connection fails with
the database's own error, not a leak.
"""
from __future__ import annotations

import threading
from dataclasses import replace
from typing import TypeVar

_lock = threading.Lock()
_hidden: dict[str, str] = {}      # hidden URL -> the URL with its password, this process only

_S = TypeVar("_S")


def hide_secrets(url: str | None) -> str | None:
    """`url` with its password replaced by `***` (kept in this process for `reveal_secrets`).

    A path or a URL without a password is returned unchanged.
    """
    if not url or "://" not in url:
        return url
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return url
    if not parsed.password:
        return url
    hidden = parsed.render_as_string(hide_password=True)
    with _lock:
        _hidden[hidden] = url
    return hidden


def reveal_secrets(url: str | None) -> str | None:
    """The URL `hide_secrets` hid (unchanged when it hid nothing, or in another process)."""
    if not url:
        return url
    with _lock:
        return _hidden.get(url, url)


def hide_store(settings: _S) -> _S:
    """A settings dataclass with its `store` URL hidden (for a flow parameter)."""
    return replace(settings, store=hide_secrets(settings.store))


def reveal_store(settings: _S) -> _S:
    """The settings `hide_store` was given back (inside the flow body)."""
    store = reveal_secrets(settings.store)
    return settings if store == settings.store else replace(settings, store=store)
