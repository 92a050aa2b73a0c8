"""A plan's family contacts: checked, saved and read back (the import and the front door share the checks).

The checks are the same at every door: an email that is not an address, a postcode that is not a UK postcode,
channel ``post`` with no postal address (or ``email`` with no email), a parent or a young person's
representative without a name, a representative said to act with none on record. Each problem names the slot
and field (the import maps them to its columns, the front door to its form fields) and never echoes a value.
Functions take a ``Session`` and never commit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from records.audit import record
from records.models import ContactSlot, FamilyContact
from records.models.family import ADDRESS_LINE_SEPARATOR
from rules.addressees import ContactRole, FamilyMember, FamilyOnRecord, PreferredChannel

__all__ = [
    "CONTACT_FIELDS",
    "ContactValues",
    "FamilyProblem",
    "FamilyValues",
    "family_of",
    "family_on_record",
    "read_contact",
    "read_family",
    "save_family",
]

CONTACT_FIELDS: Final = (
    "role",
    "given_name",
    "family_name",
    "address",
    "postcode",
    "email",
    "phone",
    "channel",
    "format",
    "language",
)
"""The fields of one contact, as the import's column suffixes and the front door's form fields name them."""
NAMED_FIELDS: Final = ("role", "given_name", "family_name")
"""Fields a young person's own row does not have: their name is the child's."""
ADDRESS_INPUT_SEPARATOR: Final = "|"
"""How an import cell or a form field separates address lines (a new line works too)."""
MAX_ADDRESS_LINES: Final = 6
MAX_LINE_LENGTH: Final = 80
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
# The UK postcode format (the Royal Mail's outward and inward codes; BFPO and overseas territories are refused).
_POSTCODE = re.compile(
    r"^(GIR ?0AA|[A-PR-UWYZ](\d{1,2}|[A-HK-Y]\d(\d|[ABEHMNPRV-Y])?|\d[A-HJKPSTUW]) ?\d[ABD-HJLNP-UW-Z]{2})$"
)
_PHONE = re.compile(r"^\+?[0-9 ()-]{6,30}$")
_YES: Final = frozenset({"yes", "y", "true", "1"})
_NO: Final = frozenset({"no", "n", "false", "0", ""})
FORMATS: Final = ("standard", "large_print", "easy_read")
SLOT_ROLES: Final = {
    ContactSlot.PARENT1: (ContactRole.PARENT, ContactRole.CARER),
    ContactSlot.PARENT2: (ContactRole.PARENT, ContactRole.CARER),
    ContactSlot.YOUNG_PERSON: (ContactRole.YOUNG_PERSON,),
    ContactSlot.REPRESENTATIVE: (ContactRole.REPRESENTATIVE,),
}


@dataclass(frozen=True, slots=True)
class FamilyProblem:
    """One problem with what was given for a family contact (never the value itself)."""

    slot: str
    field: str
    reason: str


@dataclass(frozen=True, slots=True)
class ContactValues:
    """One person's checked details."""

    slot: ContactSlot
    role: ContactRole
    channel: PreferredChannel
    given_name: str | None = None
    family_name: str | None = None
    address_lines: tuple[str, ...] = ()
    postcode: str | None = None
    email: str | None = None
    phone: str | None = None
    large_print: bool = False
    easy_read: bool = False
    language: str | None = None

    def columns(self) -> dict[str, object]:
        """Return the ``family_contacts`` column values of this person."""
        return {
            "slot": self.slot.value,
            "role": self.role.value,
            "given_name": self.given_name,
            "family_name": self.family_name,
            "address": ADDRESS_LINE_SEPARATOR.join(self.address_lines) or None,
            "postcode": self.postcode,
            "email": self.email,
            "phone": self.phone,
            "channel": self.channel.value,
            "large_print": self.large_print,
            "easy_read": self.easy_read,
            "language": self.language,
        }


@dataclass(frozen=True, slots=True)
class FamilyValues:
    """A plan's whole family as given at one door: the contacts and the young person's choices."""

    contacts: tuple[ContactValues, ...] = ()
    representative_acts: bool = False
    parents_copied: bool = False


@dataclass
class _Reading:
    slot: ContactSlot
    cells: Mapping[str, str]
    problems: list[FamilyProblem] = field(default_factory=list)

    def value(self, name: str, max_length: int = 100) -> str | None:
        text = " ".join((self.cells.get(name) or "").split())
        if len(text) > max_length:
            self.problem(name, f"longer than {max_length} characters")
            return None
        return text or None

    def problem(self, name: str, reason: str) -> None:
        self.problems.append(FamilyProblem(self.slot.value, name, reason))


def _address(reading: _Reading) -> tuple[str, ...]:
    raw = (reading.cells.get("address") or "").replace("\r", "")
    lines = tuple(" ".join(line.split()) for line in re.split(r"[|\n]", raw) if line.strip())
    if len(lines) > MAX_ADDRESS_LINES:
        reading.problem("address", f"at most {MAX_ADDRESS_LINES} lines (the postcode goes in its own field)")
    elif any(len(line) > MAX_LINE_LENGTH for line in lines):
        reading.problem("address", f"a line is longer than {MAX_LINE_LENGTH} characters")
    return lines


def _postcode(reading: _Reading) -> str | None:
    raw = "".join((reading.cells.get("postcode") or "").split()).upper()
    if not raw:
        return None
    if not _POSTCODE.match(raw):
        reading.problem("postcode", "not a UK postcode (for example NR1 2DH)")
        return None
    return f"{raw[:-3]} {raw[-3:]}"


def _email(reading: _Reading) -> str | None:
    email = reading.value("email", 254)
    if email is not None and not _EMAIL.match(email):
        reading.problem("email", "not an email address (for example name@example.com)")
        return None
    return email


def _phone(reading: _Reading) -> str | None:
    phone = reading.value("phone", 30)
    if phone is not None and not _PHONE.match(phone):
        reading.problem("phone", "not a phone number (digits, spaces and a leading + only)")
        return None
    return phone


def _channel(reading: _Reading, email: str | None, postal: bool) -> PreferredChannel:
    given = (reading.cells.get("channel") or "").strip().lower()
    if not given:
        return PreferredChannel.EMAIL if email and not postal else PreferredChannel.POST
    try:
        return PreferredChannel(given)
    except ValueError:
        reading.problem("channel", "expected one of email, post, both")
        return PreferredChannel.POST


def _formats(reading: _Reading) -> tuple[bool, bool]:
    given = {part.strip().lower() for part in re.split(r"[|,]", reading.cells.get("format") or "") if part.strip()}
    if given - set(FORMATS):
        reading.problem("format", f"expected {', '.join(FORMATS)} (several separated by |)")
    return "large_print" in given, "easy_read" in given


def _role(reading: _Reading) -> ContactRole:
    allowed = SLOT_ROLES[reading.slot]
    given = (reading.cells.get("role") or "").strip().lower()
    if not given or len(allowed) == 1:
        return allowed[0]
    if given not in {role.value for role in allowed}:
        reading.problem("role", f"expected one of {', '.join(role.value for role in allowed)}")
        return allowed[0]
    return ContactRole(given)


def _reach_problems(reading: _Reading, channel: PreferredChannel, contact: ContactValues, exempt: bool) -> None:
    if exempt:
        return
    if channel in (PreferredChannel.POST, PreferredChannel.BOTH) and not (contact.address_lines and contact.postcode):
        reading.problem("channel", f"channel {channel.value} needs a postal address and postcode")
    if channel in (PreferredChannel.EMAIL, PreferredChannel.BOTH) and not contact.email:
        reading.problem("channel", f"channel {channel.value} needs an email address")


def read_contact(slot: ContactSlot, cells: Mapping[str, str], *, exempt_reach: bool = False) -> tuple[
    ContactValues | None, list[FamilyProblem]
]:
    """Return one person's checked details (None when every field is empty) and the problems found.

    ``exempt_reach``: a young person for whom a representative acts need not be reachable themselves.
    """
    if not any((cells.get(name) or "").strip() for name in CONTACT_FIELDS if name != "role"):
        return None, []
    reading = _Reading(slot, cells)
    named = slot is not ContactSlot.YOUNG_PERSON
    lines, postcode, email = _address(reading), _postcode(reading), _email(reading)
    if bool(lines) != bool(postcode) and not reading.problems:
        reading.problem("postcode" if lines else "address", "give the address lines and the postcode together")
    channel = _channel(reading, email, bool(lines))
    large, easy = _formats(reading)
    contact = ContactValues(
        slot, _role(reading), channel,
        reading.value("given_name") if named else None, reading.value("family_name") if named else None,
        lines, postcode, email, _phone(reading), large, easy, reading.value("language", 40),
    )  # fmt: skip
    if named and not (contact.given_name and contact.family_name):
        who = "a young person's representative" if slot is ContactSlot.REPRESENTATIVE else "a parent or carer"
        reading.problem("given_name" if not contact.given_name else "family_name", f"{who} needs a name")
    _reach_problems(reading, channel, contact, exempt_reach)
    return contact, reading.problems


def _flag(value: str | None, slot: str, name: str, problems: list[FamilyProblem]) -> bool:
    given = (value or "").strip().lower()
    if given in _YES:
        return True
    if given not in _NO:
        problems.append(FamilyProblem(slot, name, "expected yes or no"))
    return False


def read_family(cells: Mapping[ContactSlot, Mapping[str, str]], choices: Mapping[str, str]) -> tuple[
    FamilyValues, list[FamilyProblem]
]:
    """Return a plan's checked family from each slot's fields and the young person's choices, and every problem.

    ``choices`` has ``representative`` and ``copy_parents`` (yes or no).
    """
    problems: list[FamilyProblem] = []
    acts = _flag(choices.get("representative"), ContactSlot.YOUNG_PERSON, "representative", problems)
    copied = _flag(choices.get("copy_parents"), ContactSlot.YOUNG_PERSON, "copy_parents", problems)
    contacts = []
    for slot in ContactSlot:
        contact, found = read_contact(slot, cells.get(slot, {}), exempt_reach=acts and slot is ContactSlot.YOUNG_PERSON)
        problems.extend(found)
        if contact is not None:
            contacts.append(contact)
    if acts and not any(c.slot is ContactSlot.REPRESENTATIVE for c in contacts):
        problems.append(FamilyProblem(ContactSlot.REPRESENTATIVE, "given_name", "a young person's representative "
                                      "needs a name (a representative acts for them)"))  # fmt: skip
    return FamilyValues(tuple(contacts), acts, copied), problems


def family_of(session: Session, plan_id: int) -> list[FamilyContact]:
    """Return a plan's family contacts, in slot order."""
    order = {slot.value: number for number, slot in enumerate(ContactSlot)}
    found = session.scalars(select(FamilyContact).where(FamilyContact.plan_id == plan_id))
    return sorted(found, key=lambda contact: order.get(contact.slot, len(order)))


def family_on_record(contacts: list[FamilyContact]) -> FamilyOnRecord:
    """Return the family as ``rules.addressees`` sees it (ids, roles and channels only)."""
    young = next((c for c in contacts if c.slot == ContactSlot.YOUNG_PERSON), None)
    return FamilyOnRecord(
        tuple(FamilyMember(c.id, ContactRole(c.role), PreferredChannel(c.channel)) for c in contacts),
        representative_acts=bool(young and young.representative_acts),
        parents_copied=bool(young and young.parents_copied),
    )


def _wanted(family: FamilyValues) -> dict[str, dict[str, object]]:
    wanted = {contact.slot.value: contact.columns() for contact in family.contacts}
    choices = {"representative_acts": family.representative_acts, "parents_copied": family.parents_copied}
    if ContactSlot.YOUNG_PERSON.value not in wanted and (family.representative_acts or family.parents_copied):
        wanted[ContactSlot.YOUNG_PERSON.value] = {
            **ContactValues(ContactSlot.YOUNG_PERSON, ContactRole.YOUNG_PERSON, PreferredChannel.POST).columns()
        }
    for slot, values in wanted.items():
        values.update(choices if slot == ContactSlot.YOUNG_PERSON.value else dict.fromkeys(choices))
    return wanted


def save_family(
    session: Session, plan_id: int, family: FamilyValues, *, actor: str, source: str, review_id: int | None = None
) -> bool:
    """Make the plan's stored family what ``family`` says (rows updated in place by slot); return whether it changed.

    The audit log names the plan, the slots and the source, never a value.
    """
    stored = {contact.slot: contact for contact in family_of(session, plan_id)}
    wanted = _wanted(family)
    changed = sorted(set(stored) ^ set(wanted))
    for slot in set(stored) - set(wanted):
        session.delete(stored[slot])
    for slot, values in wanted.items():
        contact = stored.get(slot)
        if contact is None:
            session.add(FamilyContact(plan_id=plan_id, **values))
        elif any(getattr(contact, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(contact, name, value)
            changed.append(slot)
    if changed:
        session.flush()
        detail = {"plan_id": plan_id, "slots": sorted(set(changed)), "source": source}
        record(session, actor=actor, action="family.updated", review_id=review_id, detail=detail)
    return bool(changed)
