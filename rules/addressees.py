"""Who a family letter is addressed to, and who is copied (STATUTORY.md section 9).

Pure module: the family on record and whether the child is now a young person in, the addressees out.

- For a child, the letters go to each parent or carer on record (anyone with parental responsibility or
  care of the child: Education Act 1996 s576), by each one's channel.
- Over compulsory school age (``rules.school_age``) the decisions, notices and rights of appeal are the
  young person's own (CFA 2014 s83(2); SEND Code of Practice 8.13-8.16): the letters go to the young person,
  or, where a representative acts for a young person who lacks capacity, to the representative (SEND
  Regulations 2014 reg 64 and Schedule 3). Parents are copied only when the young person has agreed (a
  recorded choice).
- A lawful addressee missing from the records is returned as a reason, never silently skipped or replaced.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

__all__ = [
    "PARENT_ROLES",
    "Addressee",
    "Addressing",
    "ContactRole",
    "FamilyMember",
    "FamilyOnRecord",
    "PreferredChannel",
    "addressees",
    "channels_of",
]


class ContactRole(StrEnum):
    """Who a family contact is."""

    PARENT = "parent"
    CARER = "carer"
    YOUNG_PERSON = "young_person"
    REPRESENTATIVE = "representative"


class PreferredChannel(StrEnum):
    """How a person wants the council's letters."""

    EMAIL = "email"
    POST = "post"
    BOTH = "both"


PARENT_ROLES: Final = frozenset({ContactRole.PARENT, ContactRole.CARER})


@dataclass(frozen=True, slots=True)
class FamilyMember:
    """One person on record for a plan (nothing but who they are and how they want letters)."""

    contact_id: int
    role: ContactRole
    channel: PreferredChannel


@dataclass(frozen=True, slots=True)
class FamilyOnRecord:
    """A plan's family contacts and the young person's recorded choices."""

    members: tuple[FamilyMember, ...] = ()
    representative_acts: bool = False
    """A representative acts for the young person, who lacks capacity to decide (reg 64, Schedule 3)."""
    parents_copied: bool = False
    """The young person has agreed that their parents are copied into the letters."""


@dataclass(frozen=True, slots=True)
class Addressee:
    """One person a letter goes to, by which channels, and whether they have it as a copy."""

    contact_id: int
    channels: tuple[str, ...]
    copied: bool = False


@dataclass(frozen=True, slots=True)
class Addressing:
    """Who a family letter goes to, and why a lawful addressee could not be found (None: nothing missing)."""

    young_person: bool
    addressees: tuple[Addressee, ...]
    missing: str | None = None


def channels_of(preferred: PreferredChannel) -> tuple[str, ...]:
    """Return the outbox channels of a preferred channel (``both``: an email and a posted letter)."""
    if preferred is PreferredChannel.BOTH:
        return (PreferredChannel.EMAIL.value, PreferredChannel.POST.value)
    return (preferred.value,)


def _to(member: FamilyMember, *, copied: bool = False) -> Addressee:
    return Addressee(member.contact_id, channels_of(member.channel), copied)


def _young_persons(family: FamilyOnRecord) -> Addressing:
    role = ContactRole.REPRESENTATIVE if family.representative_acts else ContactRole.YOUNG_PERSON
    main = [_to(m) for m in family.members if m.role is role]
    copies = [_to(m, copied=True) for m in family.members if m.role in PARENT_ROLES] if family.parents_copied else []
    missing = None
    if not main:
        missing = (
            "a representative acts for the young person, but none is on record"
            if family.representative_acts
            else "the young person is over compulsory school age and has no contact on record (the letters are theirs)"
        )
    return Addressing(True, (*main[:1], *copies), missing)


def addressees(family: FamilyOnRecord, *, young_person: bool) -> Addressing:
    """Return who a family letter goes to, in order: the addressee(s) first, then those copied."""
    if young_person:
        return _young_persons(family)
    parents = tuple(_to(m) for m in family.members if m.role in PARENT_ROLES)
    missing = None if parents else "no parent or carer of the child is on record"
    return Addressing(False, parents, missing)
