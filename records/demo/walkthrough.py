"""Which demo settings let a newcomer walk a review through stages 1, 2 and 3 with the demo SENCO account.

The demo caseload is random; ``walkthrough`` picks the setting holding open reviews at the most of those
stages (the earliest URN among equals) and, should one setting not hold all three, adds the settings that
hold the missing ones, so the printed account always has a review to try at each stage.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from records.models import Plan, Review, Setting

SETTING_STAGES: Final = (1, 2, 3)


@dataclass(frozen=True, slots=True)
class Walkthrough:
    """The settings the demo SENCO looks after, and one review to try at each setting stage (by reference)."""

    setting_urns: tuple[str, ...]
    to_try: dict[int, str]


def _open_by_setting(session: Session) -> dict[str, dict[int, str]]:
    """Each setting's first open review (soonest next deadline) at each of the setting's stages."""
    query = (
        select(Setting.urn, Review.stage, Review.reference)
        .join(Plan, Plan.setting_id == Setting.id).join(Review, Review.plan_id == Plan.id)
        .where(Review.stage.in_(SETTING_STAGES))
        .order_by(Setting.urn, Review.next_due_on.is_(None), Review.next_due_on, Review.reference)
    )
    found: dict[str, dict[int, str]] = defaultdict(dict)
    for urn, stage, reference in session.execute(query):
        found[urn].setdefault(stage or 0, reference)
    return found


def walkthrough(session: Session) -> Walkthrough | None:
    """The demo SENCO's settings and the references to try; None when no setting has a review at stages 1-3."""
    by_setting = _open_by_setting(session)
    if not by_setting:
        return None
    first = min(by_setting, key=lambda urn: (-len(by_setting[urn]), urn))
    urns, to_try = [first], dict(by_setting[first])
    for stage in SETTING_STAGES:
        if stage not in to_try:
            holder = next((urn for urn in sorted(by_setting) if stage in by_setting[urn]), None)
            if holder is None:
                continue
            if holder not in urns:
                urns.append(holder)
            to_try[stage] = by_setting[holder][stage]
    return Walkthrough(tuple(urns), dict(sorted(to_try.items())))


def walkthrough_for(session: Session, setting_urns: tuple[str, ...]) -> dict[int, str]:
    """The references to try at stages 1-3 among the given settings' open reviews (for the printed hint)."""
    by_setting = _open_by_setting(session)
    to_try: dict[int, str] = {}
    for urn in setting_urns:
        for stage, reference in by_setting.get(urn, {}).items():
            to_try.setdefault(stage, reference)
    return dict(sorted(to_try.items()))
