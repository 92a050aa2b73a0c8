"""Invitations to a review's meeting, sent by the product: who is invited, when and where, and what was sent when.

Stage 1 (Reg 20(2)-(3), Reg 21(2)-(3) for an LA-led review; CoP 9.168, 9.176): the parent or young person, the
setting, the LA's SEN officer and the health and social care professionals are invited at least two weeks before
the meeting. The setting (or the council, for an LA-led review) arranges the meeting (``arrange_meeting``), picks
the invitees (``invite_family`` takes the family's lawful addressees from the records, STATUTORY.md section 9;
``add_invitee`` the setting's staff and the professionals), and sends (``send_invitations``): one invitation per
invitee and channel through the outbox, the day recorded per invitee (``Invitee.invited_on``), which is stage 1's
invitation date (``invitation_dates``). An invitation sent inside the two weeks is sent, recorded, and flagged
late. Moving the meeting sends everyone already invited a change notice and moves the last day of the review's
links. The professionals asked for advice get their requests at once (``services.advice.request_advice``).

Plain functions on the caller's ``Session``, no Prefect, no clock reads. Names and emails stay in the records;
the outbox rows hold ids and keys only (``services.advice_messages`` renders each message at send time).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Final

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from notices.kinds import MessageKind
from records import audit
from records.links import move_expiry, revoke_links
from records.meeting_arrangements import arrangement_of
from records.models import (
    AdviceMessage,
    FamilyContact,
    Invitee,
    InviteeKind,
    LinkPurpose,
    MeetingArrangement,
    Notification,
    NotificationStatus,
    Review,
)
from rules.addressees import ContactRole
from rules.errors import Problem
from rules.rule_set import RuleSet
from services.advice import channels_for, circulated_on, queue_for_invitee, request_advice
from services.family_letters import addressing_of

__all__ = [
    "PROFESSIONAL_ROLES",
    "ProductDates",
    "SETTING_ROLES",
    "InvitationRefused",
    "SentInvitations",
    "add_invitee",
    "arrange_meeting",
    "invitation_dates",
    "invite_family",
    "invited_late",
    "invitees_of",
    "recorded_dates",
    "remove_invitee",
    "send_invitations",
]

SETTING_ROLES: Final = ("Head teacher or principal", "SENCO", "Class teacher or tutor", "Other member of staff")
PROFESSIONAL_ROLES: Final = ("Council SEN officer", "Educational psychologist", "Health professional",
                             "Social care officer", "Other professional")
STAGE_ONE_KEYS: Final = {"Head teacher or principal": "head", "Council SEN officer": "la_sen",
                         "Health professional": "health", "Social care officer": "social_care"}
"""Which of stage 1's statutory invitees (``portal.stage_forms.INVITEES``) a role is (Reg 20(2))."""
MAX_NAME: Final = 120
MAX_PLACE: Final = 500
_EMAIL: Final = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_TIME: Final = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


class InvitationRefused(ValueError):
    """What was asked cannot be done; ``problems`` name each field and what to do."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class SentInvitations:
    """What ``send_invitations`` did: invitations sent (people, messages), advice requests, and whether late."""

    people: int
    messages: int
    advice_requests: int
    late: bool
    invitations_due: date


def invited_late(invited_on: date, meeting_on: date, rule_set: RuleSet) -> bool:
    """Whether an invitation sent on ``invited_on`` came inside the two weeks before the meeting (Reg 20(3))."""
    return invited_on > rule_set.periods.invitations_notice.apply(meeting_on)


def invitees_of(session: Session, review_id: int) -> list[Invitee]:
    """The review's invitees still on the list, in the order they were added."""
    return list(session.scalars(select(Invitee).where(Invitee.review_id == review_id, Invitee.removed.is_(False))
                                .order_by(Invitee.id).execution_options(populate_existing=True)))


def _invited(session: Session, review_id: int) -> list[Invitee]:
    return [one for one in invitees_of(session, review_id) if one.invited_on is not None]


def _parse_time(value: str) -> str | None:
    found = _TIME.match(value.strip().lower().removesuffix("am").strip())
    return f"{int(found[1]):02d}:{found[2]}" if found else None


def _queue(session: Session, review: Review, invitee: Invitee, kind: MessageKind, key: str, today: date) -> int:
    return sum(queue_for_invitee(session, review, invitee.id, kind, key, today, channel)
               for channel in channels_for(session, invitee))


def _hold_list(session: Session, review_id: int) -> None:
    """Take the review's write lock before reading its list, so a double submit (two clicks, two tabs) is done once:
    the second waits for the first and then sees what it did. PostgreSQL locks the review's row; SQLite takes its
    database write lock with a no-op write (its reads alone lock nothing)."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("UPDATE reviews SET id = id WHERE id = :id"), {"id": review_id})
    else:
        session.execute(select(Review.id).where(Review.id == review_id).with_for_update())


def _invitation_unsent(session: Session, invitee_id: int, channel: str) -> bool:
    """Whether the person's invitation by ``channel`` is still in the outbox: rendered at send time, it carries the
    new arrangement, so no change notice goes with it. Its rows are locked first, so a delivery running at the same
    moment either sends it before (and the change notice is queued) or after (with the new arrangement)."""
    rows = session.scalars(select(Notification).join(AdviceMessage, AdviceMessage.notification_id == Notification.id)
                           .where(AdviceMessage.invitee_id == invitee_id, Notification.channel == channel,
                                  Notification.template == MessageKind.MEETING_INVITATION.value)
                           .with_for_update(of=Notification)).all()
    return any(row.status != NotificationStatus.SENT.value for row in rows)


def _meeting_problems(meeting_on: date | None, time: str | None, place: str, online_link: str,
                      today: date) -> list[Problem]:
    problems = []
    if meeting_on is None:
        problems.append(Problem("meeting_on", "Enter the date of the meeting"))
    elif meeting_on < today:
        problems.append(Problem("meeting_on", "The date of the meeting must be today or in the future"))
    if time is None:
        problems.append(Problem("starts_at", "Enter the time the meeting starts, like 14:30"))
    if not place and not online_link:
        problems.append(Problem("place", "Enter where the meeting is, or a link to join it online"))
    if len(place) > MAX_PLACE:
        problems.append(Problem("place", f"Where the meeting is must be {MAX_PLACE} characters or fewer"))
    if online_link and not online_link.startswith("https://"):
        problems.append(Problem("online_link", "Enter the link to join online in full, starting https://"))
    elif len(online_link) > 500:
        problems.append(Problem("online_link", "The link to join online must be 500 characters or fewer"))
    return problems


def arrange_meeting(session: Session, review: Review, *, meeting_on: date | None, starts_at: str, place: str,
                    online_link: str, today: date, actor: str) -> int:
    """Record when and where the meeting is; when it moved after invitations went, send each person invited a
    change notice (unless their invitation is still unsent: it will carry the change) and move the last day of the
    review's links. Return how many change notices were queued."""
    time = _parse_time(starts_at)
    place, online_link = place.strip(), online_link.strip()
    problems = _meeting_problems(meeting_on, time, place, online_link, today)
    if problems or meeting_on is None or time is None:
        raise InvitationRefused(problems)
    _hold_list(session, review.id)
    arranged = session.scalar(select(MeetingArrangement).where(MeetingArrangement.review_id == review.id)
                              .execution_options(populate_existing=True))
    wanted = (meeting_on, time, place or None, online_link or None)
    if arranged is not None and (arranged.meeting_on, arranged.starts_at, arranged.place,
                                 arranged.online_link) == wanted:
        return 0
    if arranged is None:
        arranged = MeetingArrangement(review_id=review.id, meeting_on=meeting_on, starts_at=time, updated_by=actor)
        session.add(arranged)
    arranged.meeting_on, arranged.starts_at, arranged.place, arranged.online_link = wanted
    arranged.updated_by = actor
    session.flush()
    move_expiry(session, review_id=review.id, expires_on=meeting_on + timedelta(days=1))
    where = hashlib.sha256(f"{place}\x1f{online_link}".encode()).hexdigest()[:12]
    change = f"{meeting_on.isoformat()}/{time}/{where}"
    queued = sum(queue_for_invitee(session, review, one.id, MessageKind.MEETING_CHANGED, f"{one.id}/{change}",
                                   today, channel)
                 for one in _invited(session, review.id) for channel in channels_for(session, one)
                 if not _invitation_unsent(session, one.id, channel))
    audit.record(session, actor=actor, action="meeting.arranged", review_id=review.id,
                 detail={"meeting_on": meeting_on.isoformat(), "change_notices": queued})
    return queued


def invite_family(session: Session, review: Review, *, today: date, actor: str) -> int:
    """Put the family's lawful addressees on the list (the parents of a child; the young person, or their
    representative, and parents they agreed to copy); return how many were added. Nobody is added twice."""
    _hold_list(session, review.id)
    on_list = {one.family_contact_id for one in invitees_of(session, review.id)}
    child = review.plan.child
    added = 0
    for addressee in addressing_of(session, review, today).addressees:
        contact = session.get_one(FamilyContact, addressee.contact_id)
        if contact.id in on_list:
            continue
        young = contact.role == ContactRole.YOUNG_PERSON
        name = f"{child.given_name} {child.family_name}" if young else (contact.full_name() or "Parent or carer")
        role = {ContactRole.YOUNG_PERSON: "Young person", ContactRole.REPRESENTATIVE: "Representative",
                ContactRole.CARER: "Carer"}.get(ContactRole(contact.role), "Parent")
        session.add(Invitee(review_id=review.id, kind=(InviteeKind.YOUNG_PERSON if young else InviteeKind.FAMILY).value,
                            role=role, name=name[:MAX_NAME], email=contact.email, family_contact_id=contact.id,
                            created_by=actor))
        added += 1
    session.flush()
    return added


def add_invitee(session: Session, review: Review, *, kind: InviteeKind, role: str, other_role: str, name: str,
                email: str, advice_requested: bool, actor: str) -> Invitee:
    """Add a member of the setting's staff or a professional, named and with a work email; raise
    InvitationRefused naming each field that is wrong."""
    _hold_list(session, review.id)
    problems = []
    roles = SETTING_ROLES if kind is InviteeKind.SETTING else PROFESSIONAL_ROLES
    if kind not in (InviteeKind.SETTING, InviteeKind.PROFESSIONAL):
        problems.append(Problem("kind", "Select whether the person is on the setting's staff or a professional"))
    elif role not in roles:
        problems.append(Problem("role", "Select the person's role"))
    words = other_role.strip() if role.startswith("Other") and other_role.strip() else role
    name, email = " ".join(name.split()), email.strip()
    if not name:
        problems.append(Problem("name", "Enter the person's name"))
    elif len(name) > MAX_NAME:
        problems.append(Problem("name", f"The name must be {MAX_NAME} characters or fewer"))
    if len(words) > 60:
        problems.append(Problem("other_role", "The role must be 60 characters or fewer"))
    if not email:
        problems.append(Problem("email", "Enter the person's work email address"))
    elif not _EMAIL.match(email) or len(email) > 254:
        problems.append(Problem("email", "Enter an email address in the correct format, like name@example.org"))
    elif any((one.email or "").lower() == email.lower() for one in invitees_of(session, review.id)):
        problems.append(Problem("email", "This person is already on the list of invitees"))
    if problems:
        raise InvitationRefused(problems)
    invitee = Invitee(review_id=review.id, kind=kind.value, role=words, name=name, email=email,
                      advice_requested=advice_requested and kind is InviteeKind.PROFESSIONAL, created_by=actor)
    session.add(invitee)
    session.flush()
    return invitee


def remove_invitee(session: Session, review: Review, invitee_id: int, *, actor: str) -> bool:
    """Take a person off the list (kept, marked removed, their unused advice link revoked); False if not found."""
    invitee = session.get(Invitee, invitee_id)
    if invitee is None or invitee.review_id != review.id or invitee.removed:
        return False
    invitee.removed = True
    revoke_links(session, review_id=review.id, purpose=LinkPurpose.ADVICE, invitee_id=invitee.id)
    audit.record(session, actor=actor, action="invitee.removed", review_id=review.id,
                 detail={"invitee_id": invitee.id, "was_invited": invitee.invited_on is not None})
    return True


def send_invitations(session: Session, review: Review, *, today: date, actor: str,
                     rule_set: RuleSet) -> SentInvitations:
    """Invite everyone on the list not yet invited (once each, by each channel), record the day per person, then
    request the advice asked for; raise InvitationRefused when there is no meeting or nobody to invite."""
    _hold_list(session, review.id)
    arranged = arrangement_of(session, review.id)
    waiting = [one for one in invitees_of(session, review.id) if one.invited_on is None]
    problems = []
    if arranged is None:
        problems.append(Problem("meeting_on", "Enter the meeting's date, time and place before sending invitations"))
    if not waiting:
        problems.append(Problem("invitees", "Add someone to invite: everyone on the list has been invited already"
                                if invitees_of(session, review.id) else "Add the people to invite"))
    if arranged is not None and arranged.meeting_on < today:
        problems.append(Problem("meeting_on", "The meeting date has passed: change it before sending invitations"))
    if problems or arranged is None:
        raise InvitationRefused(problems)
    messages = 0
    for invitee in waiting:
        messages += _queue(session, review, invitee, MessageKind.MEETING_INVITATION,
                           f"{invitee.id}/{arranged.meeting_on.isoformat()}", today)
        invitee.invited_on = today
    session.flush()
    advice = request_advice(session, review.id, today=today, actor=actor)
    late = invited_late(today, arranged.meeting_on, rule_set)
    audit.record(session, actor=actor, action="invitations.sent", review_id=review.id,
                 detail={"people": len(waiting), "messages": messages, "advice_requests": advice, "late": late})
    return SentInvitations(len(waiting), messages, advice, late,
                           rule_set.periods.invitations_notice.apply(arranged.meeting_on))


def invitation_dates(invitees: Iterable[Invitee]) -> dict[str, date]:
    """Stage 1's invitation dates as the product recorded them: per statutory invitee (``family``, ``head``,
    ``la_sen``, ``health``, ``social_care``), the day the last of them was invited (Reg 20(3) counts the last)."""
    dates: dict[str, date] = {}
    for one in invitees:
        if one.invited_on is None or one.removed:
            continue
        key = "family" if one.kind in (InviteeKind.FAMILY, InviteeKind.YOUNG_PERSON) else STAGE_ONE_KEYS.get(one.role)
        if key is not None:
            dates[key] = max(dates.get(key, one.invited_on), one.invited_on)
    return dates


@dataclass(frozen=True, slots=True)
class ProductDates:
    """Stage 1's dates as the product itself recorded them (the meeting it invited people to, the day each was
    invited, the day the advice was circulated); a date the product recorded wins over one typed at any door."""

    meeting_on: date | None = None
    invited: Mapping[str, date] = field(default_factory=dict)
    circulated_on: date | None = None

    def fields(self) -> dict[str, date]:
        """The stage-1 form's date fields the product fills, by field name."""
        named = {f"invited_{key}": day for key, day in self.invited.items()}
        if self.meeting_on is not None:
            named["meeting_planned_on"] = self.meeting_on
        if self.circulated_on is not None:
            named["advice_circulated_on"] = self.circulated_on
        return named


def recorded_dates(session: Session, review: Review) -> ProductDates:
    """What the product recorded for the review's stage 1."""
    meeting = arrangement_of(session, review.id)
    return ProductDates(meeting.meeting_on if meeting is not None else None,
                        invitation_dates(invitees_of(session, review.id)), circulated_on(session, review.id))
