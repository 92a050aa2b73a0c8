"""Writing the append-only audit log, and the guard that keeps it append-only in the application.

``record`` is the one way rows are added. ``guard_audit_log`` installs session events that refuse
any ORM update or delete of an audit row, whether through a loaded object or a bulk statement.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Delete, Update, event
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from records.bulk import bulk_insert
from records.models.audit import AuditEntry


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or remove an audit row."""


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    review_id: int | None = None,
    detail: Mapping[str, Any] | None = None,
    idempotency_key: str | None = None,
) -> None:
    """Add one audit row to the session's transaction (unique by ``idempotency_key`` when given)."""
    session.add(
        AuditEntry(
            actor=actor, action=action, review_id=review_id, detail=dict(detail or {}), idempotency_key=idempotency_key
        )
    )


def record_many(session: Session, rows: Iterable[Mapping[str, Any]]) -> None:
    """Insert many audit rows (each with actor, action, review_id, detail) in one statement."""
    batch = [dict(row) for row in rows]
    if batch:
        session.execute(bulk_insert(AuditEntry), batch)


def _refuse_changed_rows(session: Session, _context: Any, _instances: Any) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditLogIsAppendOnly("audit_log rows are never updated or deleted")


def _refuse_bulk_changes(state: ORMExecuteState) -> None:
    statement = state.statement
    if isinstance(statement, Update | Delete) and getattr(statement.table, "name", None) == AuditEntry.__tablename__:
        raise AuditLogIsAppendOnly("audit_log rows are never updated or deleted")


def guard_audit_log(factory: sessionmaker[Session]) -> None:
    """Install the append-only guard on every session the factory makes."""
    event.listen(factory, "before_flush", _refuse_changed_rows)
    event.listen(factory, "do_orm_execute", _refuse_bulk_changes)
