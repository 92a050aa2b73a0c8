"""A small synthetic caseload for the end-to-end tests, and lookups in its records database."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, func, select

from records.models import AuditEntry, Child, DeadlineRecord, Notification, Plan, Review

SETTINGS_CSV = """urn,name,phase,senco_name,senco_email,head_teacher_name,head_teacher_email
900901,Synthetic Rowan Primary,primary,SENCO 900901,senco.900901@example.invalid,Head,head.900901@example.invalid
"""
HEADER = "child_ref,given_name,family_name,date_of_birth,setting_urn,plan_first_issued_on,year_group\n"


def write_caseload(folder: Path, children: list[tuple[str, ...]]) -> tuple[Path, Path]:
    """Write settings and caseload files: each child is (ref, year group[, plan first issued, default 1 Dec 2025])."""
    settings = folder / "settings.csv"
    settings.write_text(SETTINGS_CSV)
    caseload = folder / "caseload.csv"
    rows = [
        f"{ref},Testchild,Synthetic-{ref},2015-05-05,900901,{rest[0] if rest else '2025-12-01'},{year}\n"
        for ref, year, *rest in children
    ]
    caseload.write_text(HEADER + "".join(rows))
    return settings, caseload


class Records:
    """Read-only looks into the records database the stack uses."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url)

    def reference_of(self, child_ref: str) -> str:
        with self.engine.connect() as conn:
            query = (
                select(Review.reference)
                .join(Plan, Plan.id == Review.plan_id)
                .join(Child, Child.id == Plan.child_id)
                .where(Child.child_ref == child_ref)
                .order_by(Review.cycle_number)
            )
            return str(conn.scalars(query).first())

    def review_row(self, reference: str) -> dict[str, object]:
        with self.engine.connect() as conn:
            row = conn.execute(select(Review).where(Review.reference == reference)).mappings().one()
            return dict(row)

    def snapshot(self, reference: str) -> tuple[dict[str, object], list[tuple[object, ...]]]:
        """The review's facts and deadlines: what 'the record is unchanged' compares (the wait number moves on)."""
        with self.engine.connect() as conn:
            review = dict(conn.execute(select(Review).where(Review.reference == reference)).mappings().one())
            review.pop("wait_number")
            deadlines = conn.execute(
                select(DeadlineRecord.key, DeadlineRecord.due_on, DeadlineRecord.met_on, DeadlineRecord.is_open)
                .where(DeadlineRecord.review_id == review["id"])
                .order_by(DeadlineRecord.key)
            ).all()
            return review, [tuple(d) for d in deadlines]

    def audit_counts(self, reference: str) -> dict[str, int]:
        review_id = self.review_row(reference)["id"]
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(AuditEntry.action, func.count())
                .where(AuditEntry.review_id == review_id)
                .group_by(AuditEntry.action)
            ).all()
            return {str(action): int(count) for action, count in rows}

    def letters(self, reference: str) -> list[tuple[str, str]]:
        """The (kind, role) of each letter queued for the review, in order."""
        review_id = self.review_row(reference)["id"]
        with self.engine.connect() as conn:
            query = (
                select(Notification.template, Notification.recipient_role)
                .where(Notification.review_id == review_id, Notification.deadline_key.is_(None))
                .order_by(Notification.id)
            )
            return [(str(kind), str(role)) for kind, role in conn.execute(query)]

    def next_review_of(self, child_ref: str) -> tuple[str, int] | None:
        with self.engine.connect() as conn:
            query = (
                select(Review.reference, Review.cycle_number)
                .join(Plan, Plan.id == Review.plan_id)
                .join(Child, Child.id == Plan.child_id)
                .where(Child.child_ref == child_ref)
                .order_by(Review.cycle_number.desc())
            )
            row = conn.execute(query).first()
            return (str(row[0]), int(row[1])) if row else None
