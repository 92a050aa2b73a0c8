"""Opening the records from the CLI: settings built once, the schema checked before any other command."""

from __future__ import annotations

from cli.errors import fail
from records.schema import SchemaOutOfDate, ensure_current
from records.session import SessionFactory, engine_for, make_session_factory
from records.settings import Settings, get_settings


def current_settings() -> Settings:
    """Return the process's settings (environment variables ``EHCP_*``)."""
    return get_settings()


def open_records(settings: Settings) -> SessionFactory:
    """Return a session factory on an up-to-date records database, or exit naming ``ehcp db upgrade``."""
    try:
        ensure_current(engine_for(settings))
    except SchemaOutOfDate as exc:
        raise fail(str(exc)) from None
    return make_session_factory(settings)
