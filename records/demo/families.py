"""Synthetic families: parents or carers, young people over compulsory school age and the odd representative.

Drawn from a generator of their own (seeded by the caseload's seed and the case number), so adding them leaves
every other synthetic value as it was. Names are obviously invented (``Synthetic-000123``), emails end in
``.invalid`` and addresses are "1 Example Street, Testtown" with postcodes of a valid format (``TE1 1ST``).
The mix: most children have two parents or carers, a few one; about half want email, a quarter post and the
rest both; some need large print; young people have their own contact, a few act through a representative,
some copy their parents in; one case in fifteen lacks a contact the law needs, so the front door's warning
and a failed letter can be seen.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Final

from rules.school_age import is_young_person

PARENT_NAMES: Final = ("Robin", "Jo", "Kit", "Morgan", "Jamie", "Alex", "Charlie", "Frankie", "Hayden", "Rowan")
CHANNEL_WEIGHTS: Final = {"email": 50, "post": 25, "both": 25}
MISSING_EVERY: Final = 15


def _person(prefix: str, number: int, rng: random.Random, *, named: str | None = None) -> dict[str, str]:
    channel = rng.choices(list(CHANNEL_WEIGHTS), weights=list(CHANNEL_WEIGHTS.values()))[0]
    house = rng.randint(1, 99)
    columns = {
        f"{prefix}_address": f"{house} Example Street|Testtown",
        f"{prefix}_postcode": f"TE{number % 9 + 1} {house % 9 + 1}ST",
        f"{prefix}_email": f"{prefix}.{number:06d}@example.invalid",
        f"{prefix}_phone": f"01632 {rng.randint(100000, 999999)}",  # Ofcom's drama range: never a real line
        f"{prefix}_channel": channel,
        f"{prefix}_format": "large_print" if rng.random() < 0.08 else "",
    }
    if named is not None:
        columns |= {f"{prefix}_given_name": rng.choice(PARENT_NAMES), f"{prefix}_family_name": named}
    return columns


def _parents(number: int, rng: random.Random) -> dict[str, str]:
    family = f"Synthetic-{number:06d}"
    columns = _person("parent1", number, rng, named=family)
    if rng.random() < 0.7:
        columns |= _person("parent2", number, rng, named=family)
        if rng.random() < 0.15:
            columns["parent2_role"] = "carer"
    return columns


def family_columns(date_of_birth: date, number: int, seed: int, today: date) -> dict[str, str]:
    """Return the family columns of one synthetic case."""
    rng = random.Random(f"family-{seed}-{number}")
    columns = _parents(number, rng)
    missing = number % MISSING_EVERY == MISSING_EVERY // 2
    if not is_young_person(date_of_birth, today):
        return {} if missing else columns
    if rng.random() < 0.1:
        columns |= _person("representative", number, rng, named=f"Synthetic-Deputy-{number:06d}")
        columns["young_person_representative"] = "yes"
        return columns
    if not missing:
        columns |= _person("young_person", number, rng)
    columns["young_person_copy_parents"] = "yes" if rng.random() < 0.4 else "no"
    return columns
