"""Migrations: upgrade from empty, downgrade/upgrade round trip, and commands refusing an old schema."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from records.models import Base
from records.schema import SchemaOutOfDate, current_revision, downgrade, ensure_current, head_revision, upgrade
from records.session import get_engine
from tests.records.support import EXAMPLES, run

TABLES = {table.name for table in Base.metadata.sorted_tables}


def _tables(url: str) -> set[str]:
    return set(inspect(get_engine(url)).get_table_names()) - {"alembic_version"}


def test_upgrade_from_empty_creates_every_table(empty_database_url: str) -> None:
    engine = get_engine(empty_database_url)
    assert current_revision(engine) is None
    upgrade(engine)
    assert _tables(empty_database_url) == TABLES
    assert current_revision(engine) == head_revision(engine)
    ensure_current(engine)


def test_downgrade_then_upgrade_round_trip(database_url: str) -> None:
    engine = get_engine(database_url)
    downgrade(engine, "base")
    assert _tables(database_url) == set()
    upgrade(engine)
    assert _tables(database_url) == TABLES
    assert current_revision(engine) == head_revision(engine)


def test_ensure_current_on_empty_database_names_the_upgrade_command(empty_database_url: str) -> None:
    with pytest.raises(SchemaOutOfDate, match="ehcp db upgrade"):
        ensure_current(get_engine(empty_database_url))


@pytest.mark.parametrize(
    "args",
    [
        ("reviews",),
        ("import", "settings", str(EXAMPLES / "settings.csv")),
        ("import", "caseload", str(EXAMPLES / "caseload.csv")),
        ("demo-data", "--plans", "5"),
    ],
    ids=["reviews", "import-settings", "import-caseload", "demo-data"],
)
def test_commands_refuse_an_old_schema_and_say_what_to_run(
    args: tuple[str, ...], empty_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EHCP_DATABASE_URL", empty_database_url)
    from records.settings import get_settings

    get_settings.cache_clear()
    try:
        result = run(*args)
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert "Run `ehcp db upgrade` first" in result.stderr
    assert _tables(empty_database_url) == set()


def test_db_upgrade_command_brings_an_empty_database_up_to_date(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EHCP_DATABASE_URL", empty_database_url)
    from records.settings import get_settings

    get_settings.cache_clear()
    try:
        result = run("db", "upgrade")
        again = run("db", "upgrade")
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert again.exit_code == 0, again.output
    ensure_current(get_engine(empty_database_url))


def test_migration_0014_keeps_every_row_both_ways(cli_env: str, database_url: str) -> None:
    """0014 adds the plans' cease and transfer-in columns in place: rows and their children survive both ways."""
    from sqlalchemy import text

    from records.schema import downgrade

    assert run("demo-data", "--plans", "12", "--seed", "1", "--as-of", "2026-12-01").exit_code == 0
    engine = get_engine(database_url)
    counts = ("SELECT (SELECT count(*) FROM plans), (SELECT count(*) FROM reviews), (SELECT count(*) FROM deadlines),"
              " (SELECT count(*) FROM audit_log)")
    with engine.begin() as connection:
        connection.execute(text("UPDATE plans SET ceased_on = '2026-02-02', transferred_in_on = '2025-09-01',"
                                " transferred_from_la = '873' WHERE id = (SELECT min(id) FROM plans)"))
        before = tuple(connection.execute(text(counts)).one())
    downgrade(engine, "0013")
    assert "ceased_on" not in {column["name"] for column in inspect(engine).get_columns("plans")}
    with engine.connect() as connection:
        assert tuple(connection.execute(text(counts)).one()) == before
    upgrade(engine)
    with engine.connect() as connection:
        assert tuple(connection.execute(text(counts)).one()) == before
        assert connection.execute(text("SELECT count(*) FROM plans WHERE ceased_on IS NOT NULL")).scalar() == 0
    assert current_revision(engine) == head_revision(engine)


def test_migration_0017_adds_the_record_attachments_and_keeps_every_record_both_ways(
    cli_env: str, database_url: str
) -> None:
    """0017 adds ``record_attachments`` only: meeting records (their new sections are JSON) survive both ways."""
    from sqlalchemy import text

    assert run("demo-data", "--plans", "6", "--seed", "1", "--as-of", "2026-12-01").exit_code == 0
    engine = get_engine(database_url)
    content = '{"record": {"aspirations": "Pretend", "outcomes": [{"outcome": "a", "progress": "b"}]}}'
    with engine.begin() as connection:
        review_id = connection.execute(text("SELECT min(id) FROM reviews")).scalar()
        connection.execute(text("INSERT INTO meeting_records (review_id, content, status, updated_by) "
                                "VALUES (:r, :c, 'draft', 'test')"), {"r": review_id, "c": content})
        record_id = connection.execute(text("SELECT id FROM meeting_records")).scalar()
        connection.execute(text("INSERT INTO record_attachments (meeting_record_id, file_name, media_type, size, "
                                "content, uploaded_by) VALUES (:m, 'EP.pdf', 'application/pdf', 5, :b, 'test')"),
                           {"m": record_id, "b": b"%PDF-"})
    downgrade(engine, "0016")
    assert "record_attachments" not in inspect(engine).get_table_names()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM meeting_records")).scalar() == 1
    upgrade(engine)
    assert current_revision(engine) == head_revision(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM record_attachments")).scalar() == 0
        assert connection.execute(text("SELECT count(*) FROM meeting_records")).scalar() == 1


def test_migration_0021_adds_the_advice_tables_and_keeps_invitees_and_links_both_ways(
    cli_env: str, database_url: str
) -> None:
    """0021 adds ``advice_replies``, ``advice_messages`` and ``advice_circulations`` only: 0019's rows survive."""
    from sqlalchemy import text

    assert run("demo-data", "--plans", "6", "--seed", "1", "--as-of", "2026-12-01").exit_code == 0
    engine = get_engine(database_url)
    with engine.begin() as connection:
        review_id = connection.execute(text("SELECT min(id) FROM reviews")).scalar()
        connection.execute(text("INSERT INTO review_invitees (review_id, kind, role, name, advice_requested, "
                                "removed, created_by) VALUES (:r, 'professional', 'EP', 'Pretend', true, false, "
                                "'test')"), {"r": review_id})  # fmt: skip
        invitee_id = connection.execute(text("SELECT id FROM review_invitees")).scalar()
        connection.execute(text("INSERT INTO advice_replies (review_id, invitee_id, advice_text, received_on) "
                                "VALUES (:r, :i, 'Pretend advice', '2026-12-01')"), {"r": review_id, "i": invitee_id})
        connection.execute(text("INSERT INTO advice_circulations (review_id, circulated_on, circulated_by, replies) "
                                "VALUES (:r, '2026-12-02', 'test', 1)"), {"r": review_id})  # fmt: skip
    downgrade(engine, "0019")
    names = set(inspect(engine).get_table_names())
    assert not names & {"advice_replies", "advice_messages", "advice_circulations"}
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM review_invitees")).scalar() == 1
    upgrade(engine)
    assert current_revision(engine) == head_revision(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM advice_replies")).scalar() == 0
        assert connection.execute(text("SELECT count(*) FROM review_invitees")).scalar() == 1


def test_migration_0023_adds_the_meeting_arrangements_and_keeps_invitees_both_ways(
    cli_env: str, database_url: str
) -> None:
    """0023 adds ``review_meetings`` only: the invitees (0019) and their invitation days survive both ways."""
    from sqlalchemy import text

    assert run("demo-data", "--plans", "6", "--seed", "1", "--as-of", "2026-12-01").exit_code == 0
    engine = get_engine(database_url)
    with engine.begin() as connection:
        review_id = connection.execute(text("SELECT min(id) FROM reviews")).scalar()
        connection.execute(text("INSERT INTO review_invitees (review_id, kind, role, name, invited_on, "
                                "advice_requested, removed, created_by) VALUES (:r, 'professional', 'EP', "
                                "'Pretend', '2026-12-01', false, false, 'test')"), {"r": review_id})  # fmt: skip
        connection.execute(text("INSERT INTO review_meetings (review_id, meeting_on, starts_at, place, updated_by) "
                                "VALUES (:r, '2027-01-12', '14:30', 'Pretend room', 'test')"), {"r": review_id})
    downgrade(engine, "0021")
    assert "review_meetings" not in inspect(engine).get_table_names()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM review_invitees WHERE invited_on IS NOT NULL")
                                  ).scalar() == 1
    upgrade(engine)
    assert current_revision(engine) == head_revision(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM review_meetings")).scalar() == 0
        assert connection.execute(text("SELECT count(*) FROM review_invitees")).scalar() == 1
