"""``ehcp import caseload``: children, plans and current reviews, with deadlines from ``rules/``; all or nothing.

Writes are bulk statements in dependency order (children, plans, reviews, deadlines, audit), in one
transaction that ``in_one_transaction`` retries if a concurrent import inserted the same rows first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from records.audit import record, record_many
from records.bulk import bulk_insert
from records.ceased_plans import CEASED, history_only, imported_cease_takes_effect_on
from records.derived import Derived, derived_from
from records.importing.caseload_changes import Changes, add_row
from records.importing.caseload_rows import (
    CASELOAD_COLUMNS,
    CASELOAD_OPTIONAL_COLUMNS,
    CaseloadRow,
    caseload_rows,
)
from records.importing.csv_file import CsvRows, read_csv
from records.importing.family_columns import write_families
from records.importing.problems import ImportSummary
from records.importing.transactions import in_one_transaction
from records.models import Child, DeadlineRecord, Phase, Plan, Review, Setting
from records.models.caseload import NO_SETTING_NAME, NO_SETTING_URN
from records.queries import StoredCase, chunked, ids_by, setting_ids_by_urn, stored_cases
from records.session import SessionFactory
from rules.calendar import IsWorkingDay
from rules.facts import LedBy
from rules.rule_set import RuleSet

OnRow = Callable[[], None]


@dataclass(frozen=True, slots=True)
class CaseloadContext:
    """What the import needs besides the rows: the law to apply, the working days and who is acting."""

    rule_set: RuleSet
    is_working_day: IsWorkingDay
    actor: str
    today: date | None = None
    """The business date: no date of something done may lie after it (None: not checked, for old callers)."""


def reference_of(review_id: int, year: int) -> str:
    """Return a review's pseudonymous reference, e.g. ``AR-2026-00123`` (the year its review is due)."""
    return f"AR-{year}-{review_id:05d}"


def import_caseload(
    factory: SessionFactory, path: Path, context: CaseloadContext, on_row: OnRow | None = None
) -> ImportSummary:
    """Import a caseload file; raise ImportRejected (nothing written) if any row is bad."""
    return import_caseload_rows(factory, read_csv(path, CASELOAD_COLUMNS, CASELOAD_OPTIONAL_COLUMNS), context, on_row)


def import_caseload_rows(
    factory: SessionFactory, rows: CsvRows, context: CaseloadContext, on_row: OnRow | None = None
) -> ImportSummary:
    """Import already-read caseload rows (the file's or the demo generator's) in one transaction."""
    return in_one_transaction(factory, lambda session: write_caseload(session, rows, context, on_row))


def write_caseload(session: Session, rows: CsvRows, context: CaseloadContext, on_row: OnRow | None) -> ImportSummary:
    """Check every row, then write what changed; return the counts."""
    urns = {cells.get(column, "").upper() for _, cells in rows.rows for column in ("setting_urn", "named_setting_urn")}
    setting_ids = setting_ids_by_urn(session, urns - {""})
    if any(_without_setting(cells) for _, cells in rows.rows):
        setting_ids[NO_SETTING_URN] = _no_setting_id(session)
    parsed = caseload_rows(rows, setting_ids, context.today)
    stored = stored_cases(session, [row.child["child_ref"] for row in parsed])
    changes = Changes()
    for row in parsed:
        derived = _derived(row, context)
        add_row(changes, row, derived, stored.get(row.child["child_ref"]))
        if on_row is not None:
            on_row()
    _apply(session, changes, stored, context.actor)
    families = {row.child["child_ref"]: row.family for row in parsed if row.family is not None}
    write_families(session, families, actor=context.actor)
    return ImportSummary(changes.created, changes.updated, changes.unchanged)


def _derived(row: CaseloadRow, context: CaseloadContext) -> Derived:
    """The row's stage and deadlines; a ceased plan's review is history only, and its cease date is worked out."""
    derived = derived_from(row.facts, context.rule_set, is_working_day=context.is_working_day)
    if row.plan["status"] != CEASED:
        return derived
    if row.plan["ceased_on"] is None:
        row.plan["ceased_on"] = imported_cease_takes_effect_on(
            row.review, derived, context.rule_set, context.is_working_day
        )
    return history_only(derived)


def _without_setting(cells: dict[str, str]) -> bool:
    return not cells.get("setting_urn") and cells.get("led_by", "").lower() == LedBy.LA


def _no_setting_id(session: Session) -> int:
    """Return the id of the placeholder setting of children who attend no school or college (Reg 21)."""
    found = session.scalar(select(Setting.id).where(Setting.urn == NO_SETTING_URN))
    if found is not None:
        return found
    placeholder = Setting(urn=NO_SETTING_URN, name=NO_SETTING_NAME, phase=Phase.NONE.value)
    session.add(placeholder)
    session.flush()
    return placeholder.id


def _apply(session: Session, changes: Changes, stored: dict[str, StoredCase], actor: str) -> None:
    child_ids = {ref: case.child["id"] for ref, case in stored.items()}
    plan_ids = {ref: case.plan["id"] for ref, case in stored.items() if case.plan is not None}
    # Plain executemany inserts, then ids read back by natural key: portable and fast on both backends.
    if changes.new_children:
        session.execute(bulk_insert(Child), changes.new_children)
        child_ids |= ids_by(session, Child.child_ref, [child["child_ref"] for child in changes.new_children])
    _bulk_update(session, Child, changes.child_updates)
    if changes.new_plans:
        session.execute(bulk_insert(Plan), [{**plan, "child_id": child_ids[ref]} for ref, plan in changes.new_plans])
        by_child = ids_by(session, Plan.child_id, [child_ids[ref] for ref, _ in changes.new_plans])
        plan_ids |= {ref: by_child[child_ids[ref]] for ref, _ in changes.new_plans}
    _bulk_update(session, Plan, changes.plan_updates)
    new_ids = _insert_reviews(session, changes, plan_ids)
    _bulk_update(session, Review, [values for values, _ in changes.review_updates])
    updated_ids = [values["id"] for values, _ in changes.review_updates]
    for part in chunked(updated_ids):
        session.execute(delete(DeadlineRecord).where(DeadlineRecord.review_id.in_(part)))
    deadline_rows = [
        {**row, "review_id": review_id}
        for review_id, derived in [
            *zip(new_ids, (r.derived for r in changes.new_reviews), strict=True),
            *((values["id"], d) for values, d in changes.review_updates),
        ]
        for row in derived.deadline_rows
    ]
    if deadline_rows:
        session.execute(bulk_insert(DeadlineRecord), deadline_rows)
    _audit(session, actor, new_ids, updated_ids, changes)


def _insert_reviews(session: Session, changes: Changes, plan_ids: dict[str, int]) -> list[int]:
    """Insert the new reviews and give each its reference; return their ids in ``changes.new_reviews`` order."""
    if not changes.new_reviews:
        return []
    rows = []
    for new in changes.new_reviews:
        plan_id = plan_ids[new.child_ref]
        placeholder = f"new-{plan_id}-{new.values['cycle_number']}"  # unique by (plan, cycle) until renamed
        rows.append({**new.values, **new.derived.review_columns, "plan_id": plan_id, "reference": placeholder})
    session.execute(bulk_insert(Review), rows)
    by_placeholder = ids_by(session, Review.reference, [row["reference"] for row in rows])
    ids = [by_placeholder[row["reference"]] for row in rows]
    references = []
    for review_id, new in zip(ids, changes.new_reviews, strict=True):
        year = next(d["due_on"].year for d in new.derived.deadline_rows if d["key"] == "review_due")
        references.append({"id": review_id, "reference": reference_of(review_id, year)})
    session.execute(update(Review), references)
    return ids


def _bulk_update(session: Session, model: type[Child] | type[Plan] | type[Review], rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(update(model), rows)


def _audit(session: Session, actor: str, created: list[int], updated: list[int], changes: Changes) -> None:
    if not created and not updated and not changes.child_updates and not changes.plan_updates:
        return
    source = {"source": "import"}
    record_many(
        session,
        [
            *({"actor": actor, "action": "review.created", "review_id": i, "detail": source} for i in created),
            *({"actor": actor, "action": "review.updated", "review_id": i, "detail": source} for i in updated),
        ],
    )
    detail = {"created": changes.created, "updated": changes.updated, "unchanged": changes.unchanged}
    record(session, actor=actor, action="caseload.imported", detail=detail)
