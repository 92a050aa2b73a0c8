"""The records models, split by concern; importing this package registers every table on ``Base.metadata``."""

from records.models.advice import AdviceCirculation, AdviceMessage, AdviceReply
from records.models.audit import AuditEntry
from records.models.base import Base
from records.models.business_date import ClockRun
from records.models.caseload import Child, Phase, Plan, PlanStatus, Setting
from records.models.clock import ClockEvent, EventStatus
from records.models.family import ContactSlot, FamilyContact, LetterCopy
from records.models.inbox import InboxEntry, InboxStatus
from records.models.outbox import Notification, NotificationStatus
from records.models.portal import (
    ApiToken,
    AttemptCount,
    Feedback,
    MeetingRecord,
    RecordAttachment,
    StaffSetting,
    StaffUser,
)
from records.models.preparation import (
    Invitee,
    InviteeKind,
    LinkPurpose,
    MeetingArrangement,
    ReviewLink,
    ViewsReply,
)
from records.models.reviews import DeadlineRecord, Review
from records.models.termly import TermlyListSent

__all__ = [
    "AdviceCirculation",
    "AdviceMessage",
    "AdviceReply",
    "Invitee",
    "InviteeKind",
    "LinkPurpose",
    "MeetingArrangement",
    "ReviewLink",
    "ViewsReply",
    "ApiToken",
    "AttemptCount",
    "Feedback",
    "InboxEntry",
    "InboxStatus",
    "MeetingRecord",
    "RecordAttachment",
    "StaffSetting",
    "StaffUser",
    "AuditEntry",
    "Base",
    "Child",
    "ClockEvent",
    "ClockRun",
    "ContactSlot",
    "FamilyContact",
    "LetterCopy",
    "DeadlineRecord",
    "EventStatus",
    "Notification",
    "NotificationStatus",
    "Phase",
    "Plan",
    "PlanStatus",
    "Review",
    "Setting",
    "TermlyListSent",
]
