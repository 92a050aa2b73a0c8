"""The front door's settings (environment variables ``EHCP_PORTAL_*``), built once at the composition root."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ASSETS = ROOT / "build" / "npm" / "node_modules"


class PortalSettings(BaseSettings):
    """How the front door signs people in and where its assets are; one field per value."""

    model_config = SettingsConfigDict(env_prefix="EHCP_PORTAL_", extra="ignore")

    secret_key: str = ""
    """Signs the session cookies. Empty: a random key per process (everyone signs in again after a restart).
    Set it in production, e.g. ``python -c 'import secrets; print(secrets.token_urlsafe(32))'``."""

    host: str = "127.0.0.1"
    port: int = 8000

    https_only: bool = False
    """Mark the session cookie Secure and send ``Strict-Transport-Security`` (set behind HTTPS in production)."""

    session_max_age_s: int = 8 * 3600
    """How long a sign-in lasts (a working day)."""

    login_attempts: int = 5
    """Failed sign-ins for one email address before each further attempt must wait (2 s, doubling, at most
    ``login_account_max_wait_s``)."""

    login_address_attempts: int = 20
    """Failed sign-ins from one client address before each further attempt from it must wait (2 s, doubling,
    at most ``login_address_max_wait_s``)."""

    login_account_max_wait_s: int = 60
    login_address_max_wait_s: int = 900

    login_window_s: int = 900
    """Failures are forgotten this long after the last wait they caused ended."""

    node_modules: Path = DEFAULT_ASSETS
    """Where the set-up installed the npm packages ``govuk-frontend`` (and ``axe-core`` for the tests)."""

    oidc_issuer: str | None = None
    """OpenID Connect issuer URL (e.g. ``https://login.microsoftonline.com/<tenant>/v2.0``); unset: local accounts."""

    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None

    oidc_email_claim: str = "email"
    """The ID-token claim holding the work email that names the staff account (Entra ID: ``preferred_username``)."""

    oidc_label: str = "Sign in with your council account"

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)


@cache
def get_portal_settings() -> PortalSettings:
    """Return the process's front-door settings, read from the environment once."""
    return PortalSettings()
