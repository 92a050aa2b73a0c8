"""The one settings object (environment variables ``EHCP_*``), built once at the composition root."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from rules.rule_set import CycleAnchor

DEFAULT_DATABASE_URL = "sqlite:///data/ehcp.sqlite3"


class Settings(BaseSettings):
    """Where the records live and how the authority reads the law; one field per value."""

    model_config = SettingsConfigDict(env_prefix="EHCP_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    """SQLAlchemy URL of the records database; the default is a SQLite file under ``./data``.
    For PostgreSQL: ``postgresql+psycopg://user@host:5432/ehcp``."""

    cycle_anchor: CycleAnchor = CycleAnchor.DECISION
    """What "the previous review" means when counting the 12-month cycle (STATUTORY.md section 2)."""

    actor: str = "ehcp-cli"
    """Who the audit log names for changes made by this process (an account name, never a child's)."""

    review_deployment: str = "annual-review/embedded"
    """The Prefect deployment that runs review flows (``annual-review/production`` with prefect.yaml)."""

    clock_cron: str = "*/15 * * * *"
    """When the statutory clock runs (cron, Europe/London); every 15 minutes by default."""

    run_stale_after_minutes: float = 30.0
    """A review run Running (or Pending) for longer than this is taken as dead (its process was killed):
    the clock marks it Crashed and starts a fresh one. Stages take seconds, so the default is generous."""

    sqlite_busy_timeout_ms: int = 30_000
    """How long a SQLite writer waits for another writer before giving up."""

    term_dates_file: Path | None = None
    """TOML file of the authority's school term dates (format: ``reports/terms/norfolk.toml``); the default
    is that packaged Norfolk file, whose dates are illustrative until checked."""


@cache
def get_settings() -> Settings:
    """Return the process's settings, read from the environment once."""
    return Settings()
