"""Plain-English names for deadlines and roles, as the letters use them.

Data module: ``DEADLINE_DUTIES`` maps a deadline key (``rules.deadlines``) to
what has to be done by that date, written to follow "the deadline for ...";
``ROLE_NAMES`` maps a ladder ``Role`` to how a letter names that person;
``LATE_SUBJECTS`` names what a family's late letter is about; ``copy_reason``
says why a copy of a family's letter goes to a recipient (the law that names them).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from rules.ladder import Role

__all__ = [
    "DEADLINE_DUTIES",
    "DEADLINE_SHORT",
    "LATE_SUBJECTS",
    "ROLE_NAMES",
    "and_list",
    "copy_reason",
    "council_roles",
    "deadline_duty",
    "deadline_short",
    "late_subject",
    "role_list",
    "setting_roles",
]

DEADLINE_DUTIES: Final[dict[str, str]] = {
    "review_due": "completing the annual review (notifying the decision)",
    "meeting_due": "holding the annual review meeting",
    "invitations_due": "sending the invitations to the review meeting",
    "advice_due": "gathering and circulating advice before the review meeting",
    "report_due": "sending the report of the review meeting to the council and everyone invited",
    "decision_due": "notifying the decision after the review meeting",
    "amendment_notice_due": "sending the proposed amendments to the EHC plan (the amendment notice)",
    "final_plan_due": "issuing the final amended EHC plan (or the notice that it will not be amended)",
    "phase_transfer_due": "amending the EHC plan to name the next school or setting (phase transfer)",
    "interim_review_due": "holding an interim review of the plan of a child under 5 (guidance: CoP 9.178)",
    "transfer_meeting_by": (
        "holding the phase-transfer review meeting early enough for the amended plan to name the next school "
        "by the Reg 18 date"
    ),
    "transfer_decision_by": (
        "deciding and sending the proposed amendments early enough for the amended plan to name the next school "
        "by the Reg 18 date"
    ),
}

DEADLINE_SHORT: Final[dict[str, str]] = {
    "review_due": "annual review",
    "meeting_due": "review meeting",
    "invitations_due": "invitations",
    "advice_due": "advice",
    "report_due": "report",
    "decision_due": "decision",
    "amendment_notice_due": "amendment notice",
    "final_plan_due": "final plan",
    "phase_transfer_due": "phase transfer",
    "interim_review_due": "interim review",
    "transfer_meeting_by": "phase-transfer meeting",
    "transfer_decision_by": "phase-transfer decision",
}
"""A deadline's name in a subject line, so two missed deadlines of one day read apart."""

LATE_SUBJECTS: Final[dict[str, str]] = {
    "decision_due": "our decision",
    "amendment_notice_due": "the notice of proposed changes to the EHC plan",
    "final_plan_due": "the final amended EHC plan",
}
"""What a family's late letter is about, named in its subject (nothing personal)."""

ROLE_NAMES: Final[dict[Role, str]] = {
    Role.SENCO: "the SENCO",
    Role.HEAD_TEACHER: "the head teacher",
    Role.CASEWORKER: "the EHC coordinator (caseworker)",
    Role.SEN_TEAM_MANAGER: "the SEN team manager",
    Role.HEAD_OF_SERVICE: "the head of the SEN service",
    Role.DIRECTOR: "the director responsible for children's services",
    Role.FAMILY: "the family",
    Role.OPERATORS: "the operators of the annual-review service",
    Role.COMMISSIONING_BODY: "the health commissioning body (integrated care board)",
    Role.NAMED_INSTITUTION: "the school or college named in the plan",
}

_COPY_REASONS: Final[dict[tuple[Role, str], str]] = {
    (Role.NAMED_INSTITUTION, "final-plan-issued"): (
        "It goes to you as the school or college the amended plan names (Reg 22(3)(b)); the final plan is enclosed."
    ),
    (Role.COMMISSIONING_BODY, "final-plan-issued"): (
        "It goes to you as the health commissioning body responsible for the child (Reg 22(3)(c)); the final plan "
        "is enclosed."
    ),
    (Role.NAMED_INSTITUTION, "cease-notice"): "It goes to you as a school or college named in the plan (Reg 31(2)).",
    (Role.HEAD_TEACHER, "cease-notice"): (
        "It goes to you as the head teacher or principal of the school or college named in the plan (Reg 31(2))."
    ),
    (Role.HEAD_TEACHER, "decision-cease"): (
        "It goes to you as the head teacher or principal of the school or college named in the plan (Reg 31(2))."
    ),
    (Role.COMMISSIONING_BODY, "cease-notice"): (
        "It goes to you as the health commissioning body responsible for the child (Reg 31(2))."
    ),
}


def copy_reason(role: Role | str, kind: str) -> str:
    """Return why a copy of a family's letter goes to ``role`` (the law that names them, where one does)."""
    found = _COPY_REASONS.get((Role(role), str(kind)))
    if found is not None:
        return found
    if Role(role) is Role.SENCO:
        return "It goes to you as the child's current school or setting."
    return "It goes to you for your records."


def deadline_short(key: str) -> str:
    """Return a deadline's short name for a subject line."""
    return DEADLINE_SHORT.get(key, key.replace("_", " "))


def late_subject(key: str) -> str:
    """Return what a family's late letter is about, for its subject line."""
    return LATE_SUBJECTS.get(key, "a step in the annual review")


def setting_roles(roles: Iterable[Role]) -> list[Role]:
    """Return the roles that belong to the setting (the SENCO, the head teacher), in order."""
    return [Role(role) for role in roles if Role(role) in (Role.SENCO, Role.HEAD_TEACHER)]


def council_roles(roles: Iterable[Role]) -> list[Role]:
    """Return the roles that are not the setting's own, in order."""
    return [Role(role) for role in roles if Role(role) not in (Role.SENCO, Role.HEAD_TEACHER)]


def and_list(items: Iterable[str]) -> str:
    """Return items as one English phrase: "A, B and C"."""
    names = list(items)
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def deadline_duty(key: str) -> str:
    """Return what is due by a deadline, or the key itself for a deadline without wording."""
    return DEADLINE_DUTIES.get(key, key.replace("_", " "))


def role_list(roles: Iterable[Role]) -> str:
    """Return roles as one English phrase: "the SENCO, the head teacher and the SEN team manager"."""
    return and_list(ROLE_NAMES[Role(role)] for role in roles)
