"""The family as the front door shows and edits it: contacts, who the letters can reach, the letters sent.

No Prefect. ``family_panel`` is what the caseworker sees on a review's page: who is on record and how each wants
letters, a plain warning when a family letter cannot be addressed (and why), and every letter sent for the review
with its outcome, date and a download link. ``save_family_form`` checks a form with ``records.family``'s checks
(the import's) and saves it, audit-logged with the staff ID; ``letter_copy`` returns a sent letter's copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from notices.kinds import FAMILY_LETTER_KINDS, MessageKind
from notices.letters import STAGE_LETTERS
from records.family import CONTACT_FIELDS, FamilyProblem, family_of, read_family, save_family
from records.models import ContactSlot, FamilyContact, LetterCopy, Notification, Review
from rules.school_age import compulsory_school_age_ends_on, is_young_person
from services.family_letters import addressing_of

__all__ = ["FamilyPanel", "LetterLine", "family_form_values", "family_panel", "letter_copy", "save_family_form"]

SLOT_LABELS: Final = {
    ContactSlot.PARENT1: "Parent or carer",
    ContactSlot.PARENT2: "Second parent or carer",
    ContactSlot.YOUNG_PERSON: "The young person",
    ContactSlot.REPRESENTATIVE: "The young person's representative",
}
CHANNEL_LABELS: Final = {"email": "Email", "post": "Post", "both": "Email and post"}
LETTER_KINDS: Final = frozenset(STAGE_LETTERS) | FAMILY_LETTER_KINDS | {MessageKind.MEETING_RECORD}


@dataclass(frozen=True, slots=True)
class ContactLine:
    """One person on record, as the review page lists them."""

    label: str
    name: str
    channel: str
    reach: str
    needs: str


@dataclass(frozen=True, slots=True)
class LetterLine:
    """One letter queued or sent for the review (nothing the caseworker may not see)."""

    notification_id: int
    kind: str
    to: str
    channel: str
    status: str
    letter_on: date | None
    batched_at: datetime | None
    posted_at: datetime | None
    error: str | None
    has_copy: bool


@dataclass(frozen=True, slots=True)
class FamilyPanel:
    """What the review page says about the family and the letters."""

    young_person: bool
    school_age_ends_on: date
    contacts: tuple[ContactLine, ...]
    warning: str | None
    letters: tuple[LetterLine, ...]


def _name(contact: FamilyContact, review: Review) -> str:
    if contact.slot == ContactSlot.YOUNG_PERSON:
        child = review.plan.child
        return f"{child.given_name} {child.family_name}"
    return contact.full_name()


def _line(contact: FamilyContact, review: Review) -> ContactLine:
    reach = [part for part in (contact.email, ", ".join([*contact.address_lines(), contact.postcode or ""]).strip(", "))
             if part]  # fmt: skip
    needs = [label for flag, label in ((contact.large_print, "large print"), (contact.easy_read, "easy read")) if flag]
    if contact.language:
        needs.append(f"letters in {contact.language} (arrange a translation)")
    return ContactLine(
        SLOT_LABELS.get(ContactSlot(contact.slot), contact.slot), _name(contact, review),
        CHANNEL_LABELS.get(contact.channel, contact.channel), "; ".join(reach), ", ".join(needs),
    )  # fmt: skip


def _warning(session: Session, review: Review, today: date, contacts: list[FamilyContact]) -> str | None:
    if not contacts:
        return ("No family contact is on record: family letters go to the council's post room to be addressed by "
                "hand. Add the family's contacts.")  # fmt: skip
    found = addressing_of(session, review, today)
    if found.missing is not None:
        return f"A family letter cannot be addressed: {found.missing}. Add the missing contact."
    return None


def _to(row: Notification, names: dict[int, str]) -> str:
    if row.recipient_role != "family":
        return row.recipient_role.replace("_", " ")
    who = names.get(row.family_contact_id or 0, "the family (no contact on record)")
    return f"{who} (copy)" if row.family_copy else who


def _letters(session: Session, review: Review) -> tuple[LetterLine, ...]:
    names = {c.id: _name(c, review) for c in family_of(session, review.plan_id)}
    copies = set(session.scalars(
        select(LetterCopy.notification_id).join(Notification).where(Notification.review_id == review.id)
    ))  # fmt: skip
    rows = session.scalars(
        select(Notification)
        .where(Notification.review_id == review.id, Notification.template.in_([str(k) for k in LETTER_KINDS]))
        .order_by(Notification.id)
    )
    return tuple(
        LetterLine(
            row.id, MessageKind(row.template).value.replace("-", " "), _to(row, names), row.channel, row.status,
            row.letter_on, row.batched_at, row.posted_at, row.last_error if row.status == "failed" else None,
            row.id in copies,
        )  # fmt: skip
        for row in rows
    )


def family_panel(session: Session, review: Review, today: date) -> FamilyPanel:
    """Return what the review page shows about the family and the letters sent, read from the records now."""
    contacts = family_of(session, review.plan_id)
    born = review.plan.child.date_of_birth
    return FamilyPanel(
        is_young_person(born, today),
        compulsory_school_age_ends_on(born),
        tuple(_line(c, review) for c in contacts),
        _warning(session, review, today, contacts),
        _letters(session, review),
    )


def family_form_values(session: Session, review: Review) -> dict[str, str]:
    """Return the stored family as the form's fields (``parent1-email``...)."""
    values: dict[str, str] = {}
    for contact in family_of(session, review.plan_id):
        slot = contact.slot
        values |= {
            f"{slot}-role": contact.role, f"{slot}-given_name": contact.given_name or "",
            f"{slot}-family_name": contact.family_name or "", f"{slot}-address": "\n".join(contact.address_lines()),
            f"{slot}-postcode": contact.postcode or "", f"{slot}-email": contact.email or "",
            f"{slot}-phone": contact.phone or "", f"{slot}-channel": contact.channel,
            f"{slot}-language": contact.language or "",
        }  # fmt: skip
        if contact.large_print:
            values[f"{slot}-large_print"] = "yes"
        if contact.easy_read:
            values[f"{slot}-easy_read"] = "yes"
        if slot == ContactSlot.YOUNG_PERSON:
            values["young_person-representative"] = "yes" if contact.representative_acts else "no"
            values["young_person-copy_parents"] = "yes" if contact.parents_copied else "no"
    return values


def _slot_cells(form: dict[str, str], slot: ContactSlot) -> dict[str, str]:
    cells = {name: form.get(f"{slot.value}-{name}", "") for name in CONTACT_FIELDS if name != "format"}
    formats = [name for name in ("large_print", "easy_read") if form.get(f"{slot.value}-{name}")]
    return {**cells, "format": "|".join(formats)}


def save_family_form(session: Session, review: Review, form: dict[str, str], *, actor: str) -> list[FamilyProblem]:
    """Check and save the family form; return its problems (nothing saved when there are any)."""
    cells = {slot: _slot_cells(form, slot) for slot in ContactSlot}
    choices = {name: form.get(f"young_person-{name}", "") for name in ("representative", "copy_parents")}
    family, problems = read_family(cells, choices)
    if not problems:
        save_family(session, review.plan_id, family, actor=actor, source="portal", review_id=review.id)
    return problems


def letter_copy(session: Session, review: Review, notification_id: int) -> LetterCopy | None:
    """Return the copy of a letter sent for this review (None when it is another review's, or none was kept)."""
    kept = session.get(LetterCopy, notification_id)
    row = session.get(Notification, notification_id)
    return kept if kept is not None and row is not None and row.review_id == review.id else None
