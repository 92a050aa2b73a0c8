"""Staff accounts and API tokens: add, find, check a password, disable; argon2id hashes, SHA-256 token digests.

Functions take the caller's session and never commit. The ``staff_id`` is a pseudonym made here; it is
what the audit log and Prefect see as ``submitted_by``, never the email.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from enum import StrEnum
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from records.models import ApiToken, Setting, StaffSetting, StaffUser

MIN_PASSWORD_LENGTH = 12


class Role(StrEnum):
    SETTING = "setting"
    CASEWORKER = "caseworker"
    MANAGER = "manager"
    ADMIN = "admin"


class AccountError(ValueError):
    """An account cannot be made or changed as asked; the message names the field and the fix."""


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


def hash_password(password: str) -> str:
    """Return the argon2id hash of a password, refusing one too short to be safe."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password: use at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher().hash(password)


def normalise_email(email: str) -> str:
    value = email.strip().lower()
    if "@" not in value or value.startswith("@") or value.endswith("@") or len(value) > 254:
        raise AccountError(f"email: {email!r} is not an email address; use the person's work email")
    return value


def _check_settings(session: Session, role: Role, urns: Sequence[str]) -> list[str]:
    wanted = sorted({urn.strip().upper() for urn in urns if urn.strip()})
    if role is Role.SETTING and not wanted:
        raise AccountError("--setting: a setting account needs at least one setting URN")
    if role is not Role.SETTING and wanted:
        raise AccountError(f"--setting: only setting accounts are scoped to settings, not {role}")
    known = set(session.scalars(select(Setting.urn).where(Setting.urn.in_(wanted)))) if wanted else set()
    unknown = [urn for urn in wanted if urn not in known]
    if unknown:
        raise AccountError(f"--setting: no setting has the URN {', '.join(unknown)}; import the settings first")
    return wanted


def add_user(
    session: Session, email: str, role: Role, *, setting_urns: Sequence[str] = (), password: str | None = None,
    oidc_subject: str | None = None,
) -> StaffUser:
    """Add an account and return it; raise AccountError if the email is taken or the scope is wrong."""
    address = normalise_email(email)
    if find_user(session, address) is not None:
        raise AccountError(f"email: an account for {address} already exists")
    urns = _check_settings(session, role, setting_urns)
    user = StaffUser(
        email=address,
        staff_id=f"staff-{secrets.token_hex(4)}",
        role=role.value,
        password_hash=hash_password(password) if password is not None else None,
        oidc_subject=oidc_subject,
        disabled=False,
        setting_links=[StaffSetting(setting_urn=urn) for urn in urns],
    )
    session.add(user)
    session.flush()
    return user


def find_user(session: Session, email: str) -> StaffUser | None:
    return session.scalar(select(StaffUser).where(StaffUser.email == email.strip().lower()))


def list_users(session: Session) -> list[StaffUser]:
    return list(session.scalars(select(StaffUser).order_by(StaffUser.email)))


def disable_user(session: Session, email: str) -> StaffUser:
    """Disable an account (its sessions and tokens stop working at their next request)."""
    user = find_user(session, email)
    if user is None:
        raise AccountError(f"email: no account for {email.strip().lower()}")
    user.disabled = True
    return user


@cache
def _dummy_hash() -> str:
    return _hasher().hash(secrets.token_hex(16))


def authenticate(session: Session, email: str, password: str) -> StaffUser | None:
    """Return the enabled account whose password this is, else None (same work either way)."""
    user = find_user(session, email)
    stored = user.password_hash if user is not None else None
    if stored is None:
        stored = _dummy_hash()  # verify anyway: a missing account takes as long as a wrong password
    try:
        _hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or user.disabled or user.password_hash is None:
        return None
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(session: Session, user: StaffUser, label: str) -> str:
    """Store a new token's digest for the account; return the token itself (shown once)."""
    token = f"ehcp_{secrets.token_urlsafe(32)}"
    session.add(ApiToken(user_id=user.id, token_digest=_digest(token), label=label[:100], revoked=False))
    session.flush()
    return token


def user_for_token(session: Session, token: str) -> StaffUser | None:
    """Return the enabled account holding this unrevoked token, else None."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_digest == _digest(token), ApiToken.revoked.is_(False)))
    if row is None:
        return None
    user = session.get(StaffUser, row.user_id)
    return user if user is not None and not user.disabled else None
