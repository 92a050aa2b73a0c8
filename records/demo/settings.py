"""Synthetic settings of every phase, with URNs in the unused 9xxxxx range and .invalid email addresses."""

from __future__ import annotations

import random
from typing import Final

from records.models import Phase

SETTINGS_PER_PLAN: Final = 1 / 25  # Norfolk: about 10,000 plans across about 400 settings
# Phases generated and how common each is; every one appears at least once.
PHASE_WEIGHTS: Final = {
    Phase.EARLY_YEARS: 10,
    Phase.INFANT: 8,
    Phase.JUNIOR: 8,
    Phase.PRIMARY: 38,
    Phase.SECONDARY: 16,
    Phase.SPECIAL: 10,
    Phase.POST16: 7,
    Phase.ALTERNATIVE_PROVISION: 3,
}
_KINDS: Final = {
    Phase.EARLY_YEARS: "Nursery",
    Phase.INFANT: "Infant School",
    Phase.JUNIOR: "Junior School",
    Phase.PRIMARY: "Primary School",
    Phase.SECONDARY: "High School",
    Phase.SPECIAL: "Special School",
    Phase.POST16: "College",
    Phase.ALTERNATIVE_PROVISION: "Short Stay School",
}
_PLACES: Final = (
    "Alder",
    "Birch",
    "Cedar",
    "Damson",
    "Elder",
    "Fir",
    "Gorse",
    "Hazel",
    "Ivy",
    "Juniper",
    "Larch",
    "Maple",
    "Oak",
    "Pine",
    "Quince",
    "Rowan",
    "Sloe",
    "Teasel",
    "Willow",
    "Yew",
)


def urn_of(number: int, phase: Phase) -> str:
    """Return a synthetic URN: no real setting has a 9xxxxx URN."""
    return f"EY9{number:05d}" if phase is Phase.EARLY_YEARS else f"9{number:05d}"


def demo_settings(plans: int, rng: random.Random) -> list[dict[str, str]]:
    """Return the settings file's rows for a caseload of ``plans`` plans."""
    count = max(len(PHASE_WEIGHTS), round(plans * SETTINGS_PER_PLAN))
    phases = list(PHASE_WEIGHTS)
    phases += rng.choices(phases, weights=list(PHASE_WEIGHTS.values()), k=count - len(phases))
    rows = []
    for number, phase in enumerate(phases, start=1):
        urn = urn_of(number, phase)
        rows.append(
            {
                "urn": urn,
                "name": f"Synthetic {rng.choice(_PLACES)} {_KINDS[phase]} {number}",
                "phase": phase.value,
                "senco_name": f"SENCO of setting {urn}",
                "senco_email": f"senco.{urn.lower()}@example.invalid",
                "head_teacher_name": f"Head of setting {urn}",
                "head_teacher_email": f"head.{urn.lower()}@example.invalid",
            }
        )
    return rows
