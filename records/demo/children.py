"""Synthetic children: an obviously invented name, a year group that fits the setting, and any phase transfer."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Final

from records.models import Phase

# Year groups as numbers: N1 = -2, N2 = -1, Reception = 0, then 1..14.
YEARS_BY_PHASE: Final = {
    Phase.EARLY_YEARS: range(-2, 0),
    Phase.INFANT: range(0, 3),
    Phase.JUNIOR: range(3, 7),
    Phase.PRIMARY: range(0, 7),
    Phase.SECONDARY: range(7, 14),
    Phase.SPECIAL: range(0, 15),
    Phase.POST16: range(12, 15),
    Phase.ALTERNATIVE_PROVISION: range(7, 12),
}
GIVEN_NAMES: Final = (
    "Alex",
    "Bailey",
    "Casey",
    "Drew",
    "Eden",
    "Frankie",
    "Gray",
    "Harper",
    "Indy",
    "Jules",
    "Kit",
    "Logan",
    "Morgan",
    "Noor",
    "Oakley",
    "Parker",
    "Quinn",
    "Riley",
    "Sky",
    "Taylor",
)


def year_group_label(year: int) -> str:
    """Return the file's label for a year group number (N1, N2, R, 1..14)."""
    return {-2: "N1", -1: "N2", 0: "R"}.get(year, str(year))


def academic_year_start(today: date) -> int:
    """Return the calendar year in which the current academic year began (1 September)."""
    return today.year if today.month >= 9 else today.year - 1


def date_of_birth(year: int, today: date, rng: random.Random) -> date:
    """Return a birthday that puts a child in ``year`` group this academic year."""
    start = date(academic_year_start(today) - 5 - year, 9, 1)
    return start + timedelta(days=rng.randrange(365))


def transfer_of(phase: Phase, year: int, today: date, rng: random.Random) -> dict[str, str]:
    """Return the transfer columns when the child changes phase at the end of this academic year."""
    next_year = str(academic_year_start(today) + 1)
    school_moves = {Phase.EARLY_YEARS: -1, Phase.INFANT: 2, Phase.JUNIOR: 6, Phase.PRIMARY: 6}
    if school_moves.get(phase) == year or (phase is Phase.SPECIAL and year == 6 and rng.random() < 0.5):
        return {"transfer_kind": "school", "transfer_year": next_year}
    if year == 11 and phase in (Phase.SECONDARY, Phase.SPECIAL, Phase.ALTERNATIVE_PROVISION):
        return {"transfer_kind": "secondary_to_post16", "transfer_year": next_year}
    if phase is Phase.POST16 and year == 13 and rng.random() < 0.3:
        return {"transfer_kind": "post16", "transfer_on": f"{next_year}-09-01"}
    return {}


def transfer_cap_of(transfer: dict[str, str]) -> date | None:
    """Return roughly when Reg 18 wants the transfer's amended plan (15 Feb, 31 Mar, or 5 months ahead)."""
    kind = transfer.get("transfer_kind")
    if kind == "school":
        return date(int(transfer["transfer_year"]), 2, 14)
    if kind == "secondary_to_post16":
        return date(int(transfer["transfer_year"]), 3, 30)
    if kind == "post16":
        return date.fromisoformat(transfer["transfer_on"]) - timedelta(days=153)
    return None


def demo_child(number: int, phase: Phase, today: date, rng: random.Random) -> tuple[dict[str, str], int, date]:
    """Return a child's columns, its year group number and its date of birth."""
    year = rng.choice(YEARS_BY_PHASE[phase])
    born = date_of_birth(year, today, rng)
    columns = {
        "child_ref": f"DEMO{number:06d}",
        "given_name": rng.choice(GIVEN_NAMES),
        "family_name": f"Synthetic-{number:06d}",
        "date_of_birth": born.isoformat(),
        "year_group": year_group_label(year),
    }
    return columns, year, born
