"""The caseload file's family columns: up to two parents or carers, the young person and a representative.

Optional columns, prefixed by the person's slot (``parent1_``, ``parent2_``, ``young_person_``,
``representative_``) and named by ``records.family.CONTACT_FIELDS`` (``parent1_email``, ``young_person_channel``),
plus the young person's two choices (``young_person_representative``, ``young_person_copy_parents``: yes or no).
A file with any family column is the truth for each row's family (an empty row removes it); a file with none
leaves the stored families alone. The checks are ``records.family``'s, so the front door refuses the same things;
a problem names the row and column and never echoes the value (every family column is personal).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from records.family import CONTACT_FIELDS, NAMED_FIELDS, FamilyValues, read_family, save_family
from records.importing.cells import RowReader
from records.models import Child, ContactSlot, Plan
from records.queries import chunked

__all__ = ["FAMILY_COLUMNS", "read_family_columns", "write_families"]

CHOICE_COLUMNS: Final = {"representative": "young_person_representative", "copy_parents": "young_person_copy_parents"}


def _columns_of(slot: ContactSlot) -> tuple[str, ...]:
    fields = CONTACT_FIELDS if slot is not ContactSlot.YOUNG_PERSON else tuple(
        name for name in CONTACT_FIELDS if name not in NAMED_FIELDS
    )
    if slot is ContactSlot.REPRESENTATIVE:
        fields = tuple(name for name in fields if name != "role")
    return tuple(f"{slot.value}_{name}" for name in fields)


FAMILY_COLUMNS: Final = (*(c for slot in ContactSlot for c in _columns_of(slot)), *CHOICE_COLUMNS.values())


def read_family_columns(reader: RowReader) -> FamilyValues | None:
    """Return the row's checked family (None when the file has no family column), noting each bad cell."""
    if not any(column in reader.cells for column in FAMILY_COLUMNS):
        return None
    cells: dict[ContactSlot, Mapping[str, str]] = {
        slot: {name: reader.cells.get(f"{slot.value}_{name}", "") for name in CONTACT_FIELDS} for slot in ContactSlot
    }
    choices = {name: reader.cells.get(column, "") for name, column in CHOICE_COLUMNS.items()}
    family, problems = read_family(cells, choices)
    for problem in problems:
        name = CHOICE_COLUMNS.get(problem.field) or f"{problem.slot}_{problem.field}"
        reader.problem(name, problem.reason)
    return family


def write_families(session: Session, families: Mapping[str, FamilyValues], *, actor: str) -> int:
    """Save each child's family (by ``child_ref``) on their plan; return how many plans' families changed."""
    if not families:
        return 0
    query = select(Child.child_ref, Plan.id).join(Plan, Plan.child_id == Child.id)
    plans: dict[str, int] = {}
    for part in chunked(list(families)):  # one IN (...) of 100,000 refs is over PostgreSQL's 65,535 parameters
        plans.update((ref, plan_id) for ref, plan_id in session.execute(query.where(Child.child_ref.in_(part))))
    return sum(
        save_family(session, plans[ref], family, actor=actor, source="import")
        for ref, family in families.items()
        if ref in plans
    )
