"""OpenID Connect sign-in (the council's identity provider, e.g. Microsoft Entra ID), configured by settings.

The provider proves who someone is; the staff account (role, settings) is still made with
``ehcp users add``: a verified email with no account is refused, so signing in at the council
never grants access by itself. The account remembers the provider's subject on first sign-in,
and from then on the subject, not the email, names it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.settings import PortalSettings
from records.models import StaffUser


class OidcRefused(ValueError):
    """The provider's answer does not name an account that may sign in; the message says why."""


def oidc_client(settings: PortalSettings) -> Any:
    """Return the Authlib client for the configured provider (discovery document from the issuer)."""
    from authlib.integrations.starlette_client import OAuth  # type: ignore[import-untyped]  # only with OIDC

    oauth = OAuth()
    oauth.register(
        "council",
        server_metadata_url=f"{str(settings.oidc_issuer).rstrip('/')}/.well-known/openid-configuration",
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        client_kwargs={"scope": "openid email profile"},
    )
    return oauth.council


def account_for_claims(session: Session, claims: Mapping[str, Any], *, email_claim: str) -> StaffUser:
    """Return the enabled account the ID token's claims name; link its subject on first use."""
    issuer, subject = str(claims.get("iss", "")), str(claims.get("sub", ""))
    if not issuer or not subject:
        raise OidcRefused("the provider's answer names no issuer or subject")
    key = f"{issuer}|{subject}"[:254]
    user = session.scalar(select(StaffUser).where(StaffUser.oidc_subject == key))
    if user is None:
        email = str(claims.get(email_claim) or "").strip().lower()
        if not email or claims.get("email_verified") is False:
            raise OidcRefused(f"the provider gave no verified email in the {email_claim!r} claim")
        user = session.scalar(select(StaffUser).where(StaffUser.email == email))
        if user is None:
            raise OidcRefused(f"there is no account for {email}; ask an administrator to add one")
        if user.oidc_subject not in (None, key):
            raise OidcRefused("this account is linked to another sign-in; ask an administrator")
        user.oidc_subject = key
    if user.disabled:
        raise OidcRefused("this account is disabled")
    return user
