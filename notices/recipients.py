"""Who receives a notice: the setting's contacts, the council's roles file and the family.

Data format of the roles file (TOML or JSON; ``examples/la_roles.toml``)::

    [authority]                  # the council's details the letters print
    name = "..."                 # and every other AuthorityContext field
    [roles.caseworker]           # one table per rules.ladder.Role value
    name = "..."                 # optional
    email = "..."                # optional
    webhook = "https://..."      # optional (Teams or Slack incoming webhook)

A review's own caseworker, when one is assigned, replaces the roles file's
caseworker. Setting and family addresses are passed in from the records, as is the
school or college an amended plan names (``named_institution``); the health
commissioning body (``[roles.commissioning_body]``) is the roles file's.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Final

from notices.context import AuthorityContext
from rules.deadlines import Owner
from rules.ladder import Role

__all__ = [
    "SETTING_ROLES",
    "Addressee",
    "LaDirectory",
    "Recipient",
    "SettingContacts",
    "load_la_directory",
    "recipients_for",
]

SETTING_ROLES: Final = frozenset({Role.SENCO, Role.HEAD_TEACHER})


@dataclass(frozen=True, slots=True)
class Recipient:
    """One person or mailbox for one role. Addresses are personal data: never log them."""

    role: Role
    email: str | None = None
    name: str | None = None
    webhook_url: str | None = None
    postal_address: tuple[str, ...] = ()
    """A family member's postal address lines, the postcode last (a posted letter's window)."""
    large_print: bool = False
    """The person needs large print: a posted letter is set at 16 pt."""


@dataclass(frozen=True, slots=True)
class Addressee:
    """A recipient of one message, and whether they are copied in rather than asked to act."""

    recipient: Recipient
    copied: bool = False


@dataclass(frozen=True, slots=True)
class SettingContacts:
    """The setting's contacts for one review, from the records."""

    senco_email: str | None
    head_teacher_email: str | None
    senco_name: str | None = None
    head_teacher_name: str | None = None


@dataclass(frozen=True, slots=True)
class LaDirectory:
    """The council's details and one recipient per LA role, read from the roles file."""

    authority: AuthorityContext
    roles: Mapping[Role, Recipient]


def _recipient(role: Role, entry: Mapping[str, Any]) -> Recipient:
    unknown = set(entry) - {"name", "email", "webhook"}
    if unknown:
        raise ValueError(f"roles.{role}: unknown keys {sorted(unknown)}")
    return Recipient(role, email=entry.get("email"), name=entry.get("name"), webhook_url=entry.get("webhook"))


def la_directory_from(data: Mapping[str, Any]) -> LaDirectory:
    """Return the directory described by a parsed roles file; raise ValueError naming what is wrong."""
    known = {f.name for f in fields(AuthorityContext)}
    authority = data.get("authority", {})
    optional = ("tribunal_url", "postal_address")
    missing = {f.name for f in fields(AuthorityContext) if f.name not in optional} - set(authority)
    if missing or set(authority) - known:
        raise ValueError(f"authority: missing {sorted(missing)}, unknown {sorted(set(authority) - known)}")
    roles = {}
    for name, entry in data.get("roles", {}).items():
        try:
            role = Role(name)
        except ValueError:
            raise ValueError(f"roles.{name}: not a role (one of {', '.join(Role)})") from None
        roles[role] = _recipient(role, entry)
    return LaDirectory(AuthorityContext(**authority), roles)


def load_la_directory(path: Path) -> LaDirectory:
    """Return the directory in a ``.toml`` or ``.json`` roles file."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".toml":
        return la_directory_from(tomllib.loads(text))
    if path.suffix == ".json":
        return la_directory_from(json.loads(text))
    raise ValueError(f"{path.name}: the roles file must be .toml or .json")


def _setting_recipient(role: Role, setting: SettingContacts) -> Recipient:
    if role is Role.SENCO:
        return Recipient(role, setting.senco_email, setting.senco_name)
    return Recipient(role, setting.head_teacher_email, setting.head_teacher_name)


def _named_recipient(named: SettingContacts | None) -> Recipient:
    """The school or college a plan names: its head teacher or principal, else its SENCO (Reg 22(3)(b))."""
    if named is None:
        return Recipient(Role.NAMED_INSTITUTION)
    if named.head_teacher_email:
        return Recipient(Role.NAMED_INSTITUTION, named.head_teacher_email, named.head_teacher_name)
    return Recipient(Role.NAMED_INSTITUTION, named.senco_email, named.senco_name)


def _one(
    role: Role,
    setting: SettingContacts,
    la: LaDirectory,
    caseworker: Recipient | None,
    family: Recipient | None,
    named: SettingContacts | None = None,
) -> Recipient:
    if role in SETTING_ROLES:
        return _setting_recipient(role, setting)
    if role is Role.NAMED_INSTITUTION:
        return _named_recipient(named)
    if role is Role.FAMILY:  # no family address in the records: the roles file's post room sends it on paper
        return family or la.roles.get(role) or Recipient(role)
    if role is Role.CASEWORKER and caseworker is not None:
        return caseworker
    return la.roles.get(role) or Recipient(role)


def recipients_for(
    audience: Iterable[Role],
    owner: Owner,
    *,
    setting: SettingContacts,
    la: LaDirectory,
    caseworker: Recipient | None = None,
    family: Recipient | None = None,
    named_institution: SettingContacts | None = None,
) -> tuple[Addressee, ...]:
    """Return the addressees of a ladder event, in audience order.

    When a setting deadline's message goes to the setting's own staff, council
    staff in the same audience are copied in (STATUTORY.md s5: "caseworker copied").
    A role with no address is still returned: the channel refuses it, so the gap is visible.
    """
    roles = tuple(audience)
    setting_asked = owner is Owner.SETTING and any(role in SETTING_ROLES for role in roles)
    return tuple(
        Addressee(
            _one(role, setting, la, caseworker, family, named_institution),
            copied=setting_asked and role not in SETTING_ROLES,
        )
        for role in roles
    )
