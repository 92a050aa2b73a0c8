"""Plain-English names for deadlines and roles, as the letters use them.

Data module: ``DEADLINE_DUTIES`` maps a deadline key (``rules.deadlines``) to
what has to be done by that date, written to follow "the deadline for ...";
``ROLE_NAMES`` maps a ladder ``Role`` to how a letter names that person.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from rules.ladder import Role

__all__ = ["DEADLINE_DUTIES", "ROLE_NAMES", "deadline_duty", "role_list"]

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
}

ROLE_NAMES: Final[dict[Role, str]] = {
    Role.SENCO: "the SENCO",
    Role.HEAD_TEACHER: "the head teacher",
    Role.CASEWORKER: "the EHC coordinator (caseworker)",
    Role.SEN_TEAM_MANAGER: "the SEN team manager",
    Role.HEAD_OF_SERVICE: "the head of the SEN service",
    Role.DIRECTOR: "the director responsible for children's services",
    Role.FAMILY: "the family",
    Role.OPERATORS: "the operators of the annual-review service",
}


def deadline_duty(key: str) -> str:
    """Return what is due by a deadline, or the key itself for a deadline without wording."""
    return DEADLINE_DUTIES.get(key, key.replace("_", " "))


def role_list(roles: Iterable[Role]) -> str:
    """Return roles as one English phrase: "the SENCO, the head teacher and the SEN team manager"."""
    names = [ROLE_NAMES[role] for role in roles]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"
