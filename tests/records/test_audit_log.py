"""The audit log is append-only: the application refuses updates and deletes, and so does the database."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DatabaseError

from records.audit import AuditLogIsAppendOnly, record
from records.models import AuditEntry
from records.session import SessionFactory, get_engine, session_scope


def _one_entry(factory: SessionFactory) -> None:
    with session_scope(factory) as session:
        record(session, actor="test", action="test.recorded", detail={"n": 1})


def test_record_adds_a_row_with_a_server_time(factory: SessionFactory) -> None:
    _one_entry(factory)
    with session_scope(factory) as session:
        entry = session.scalars(select(AuditEntry)).one()
    assert (entry.actor, entry.action, entry.detail) == ("test", "test.recorded", {"n": 1})
    assert entry.at is not None


def test_changing_a_loaded_audit_row_is_refused(factory: SessionFactory) -> None:
    _one_entry(factory)
    with pytest.raises(AuditLogIsAppendOnly), session_scope(factory) as session:
        session.scalars(select(AuditEntry)).one().actor = "someone else"


def test_deleting_an_audit_row_is_refused(factory: SessionFactory) -> None:
    _one_entry(factory)
    with pytest.raises(AuditLogIsAppendOnly), session_scope(factory) as session:
        session.delete(session.scalars(select(AuditEntry)).one())


@pytest.mark.parametrize(
    "statement", [update(AuditEntry).values(actor="x"), delete(AuditEntry)], ids=["bulk-update", "bulk-delete"]
)
def test_bulk_statements_on_the_audit_log_are_refused(factory: SessionFactory, statement: object) -> None:
    _one_entry(factory)
    with pytest.raises(AuditLogIsAppendOnly), session_scope(factory) as session:
        session.execute(statement)  # type: ignore[call-overload]


@pytest.mark.parametrize("sql", ["UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"])
def test_database_triggers_refuse_raw_changes(factory: SessionFactory, database_url: str, sql: str) -> None:
    _one_entry(factory)
    with pytest.raises(DatabaseError, match="append-only"), get_engine(database_url).begin() as connection:
        connection.execute(text(sql))
