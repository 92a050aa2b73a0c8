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
    """When the statutory clock runs (cron, Europe/London); every 15 minutes by default. ``off``: only when
    asked (``ehcp clock``), as the end-to-end tests need."""

    run_silent_after_seconds: float = 90.0
    """A review run Running whose heartbeats (``PREFECT_FLOWS_HEARTBEAT_FREQUENCY``, 30 s in the stacks here)
    stopped this long ago is taken as dead (its process was killed): it is marked Crashed and a fresh run
    carries on from the records."""

    run_pending_after_minutes: float = 10.0
    """A review run Pending this long is taken as dead, and so is one Running this long without ever sending a
    heartbeat where heartbeats are off (with ``PREFECT_FLOWS_HEARTBEAT_FREQUENCY`` set, ``run_silent_after_seconds``
    applies: a run sends its first heartbeat as it starts); one Scheduled this long is reported (no runner or worker
    is taking runs)."""

    liveness_every_seconds: int = 60
    """How often the liveness flow hands over waiting inputs and replaces dead review runs."""

    sqlite_busy_timeout_ms: int = 30_000
    """How long a SQLite writer waits for another writer before giving up."""

    term_dates_file: Path | None = None
    """TOML file of the authority's school term dates (format: ``reports/terms/norfolk.toml``); the default
    is that packaged Norfolk file, whose dates are illustrative until checked."""


@cache
def get_settings() -> Settings:
    """Return the process's settings, read from the environment once."""
    return Settings()
