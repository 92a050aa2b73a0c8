"""Family contacts imported with the caseload (all or nothing, refusals naming row and column), and migration
0016 upgraded and downgraded on a database with data, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, text

from records.models import FamilyContact, Notification
from records.schema import downgrade, upgrade
from records.session import SessionFactory, get_engine, session_scope
from tests.records.support import run, snapshot, write_csv
from tests.records.test_import_caseload import GOOD, HEADER, SETTINGS

PARENTS = {
    "parent1_given_name": "Robin",
    "parent1_family_name": "Synthetic-Parent",
    "parent1_email": "robin.parent@example.invalid",
    "parent1_channel": "email",
    "parent2_role": "carer",
    "parent2_given_name": "Kit",
    "parent2_family_name": "Synthetic-Carer",
    "parent2_address": "1 Example Street|Testtown",
    "parent2_postcode": "nr12dh",
    "parent2_channel": "post",
    "parent2_format": "large_print",
}
YOUNG_PERSON = {
    "young_person_email": "sam.young@example.invalid",
    "young_person_address": "2 Example Road|Testville",
    "young_person_postcode": "NR2 4AB",
    "young_person_channel": "both",
    "young_person_copy_parents": "yes",
}


@pytest.fixture
def folder(cli_env: str, tmp_path: Path) -> Path:
    assert run("import", "settings", str(write_csv(tmp_path / "settings.csv", SETTINGS))).exit_code == 0
    return tmp_path


def _file(folder: Path, **changes: dict[str, str]) -> Path:
    """The good caseload with family cells on rows ``r0``, ``r1``... (file row 2, 3...)."""
    rows = [dict(row) for row in GOOD]
    for name, values in changes.items():
        rows[int(name[1:])].update(values)
    return write_csv(folder / "caseload.csv", rows, HEADER)


def _contacts(factory: SessionFactory) -> list[tuple[str, str, str | None, str | None, str | None, str]]:
    with session_scope(factory) as session:
        return [
            (c.slot, c.role, c.email, c.address, c.postcode, c.channel)
            for c in session.scalars(select(FamilyContact).order_by(FamilyContact.plan_id, FamilyContact.slot))
        ]


def test_family_columns_are_stored_and_a_second_import_changes_nothing(folder: Path, factory: SessionFactory) -> None:
    result = run("import", "caseload", str(_file(folder, r0=PARENTS, r1=YOUNG_PERSON)))
    assert result.exit_code == 0, result.output
    assert _contacts(factory) == [
        ("parent1", "parent", "robin.parent@example.invalid", None, None, "email"),
        ("parent2", "carer", None, "1 Example Street\nTesttown", "NR1 2DH", "post"),
        ("young_person", "young_person", "sam.young@example.invalid", "2 Example Road\nTestville", "NR2 4AB", "both"),
    ]
    with session_scope(factory) as session:
        young = session.scalars(select(FamilyContact).where(FamilyContact.slot == "young_person")).one()
        carer = session.scalars(select(FamilyContact).where(FamilyContact.slot == "parent2")).one()
        assert (young.parents_copied, young.representative_acts, carer.large_print) == (True, False, True)
    before = snapshot(factory)["family_contacts"]
    again = run("import", "caseload", str(_file(folder, r0=PARENTS, r1=YOUNG_PERSON)))
    assert again.exit_code == 0 and snapshot(factory)["family_contacts"] == before


def test_a_file_without_family_columns_leaves_families_alone(folder: Path, factory: SessionFactory) -> None:
    assert run("import", "caseload", str(_file(folder, r0=PARENTS))).exit_code == 0
    plain = write_csv(folder / "plain.csv", GOOD)
    assert run("import", "caseload", str(plain)).exit_code == 0
    assert len(_contacts(factory)) == 2


BAD = {
    "bad-email": ({"parent1_email": "robin at home"}, "parent1_email", "not an email address"),
    "not-uk-postcode": ({"parent2_postcode": "75001"}, "parent2_postcode", "not a UK postcode"),
    "post-without-address": (
        {"parent2_address": "", "parent2_postcode": ""},
        "parent2_channel",
        "channel post needs a postal address",
    ),
    "representative-without-name": (
        {"young_person_representative": "yes", "representative_email": "deputy@example.invalid"},
        "representative_given_name",
        "representative needs a name",
    ),
    "unknown-channel": ({"parent1_channel": "pigeon"}, "parent1_channel", "expected one of email, post, both"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_family_cells_refuse_the_file_naming_row_and_column(
    case: str, folder: Path, factory: SessionFactory
) -> None:
    change, column, reason = BAD[case]
    before = snapshot(factory)
    result = run("import", "caseload", str(_file(folder, r0=PARENTS, r1={**PARENTS, **change})))
    assert result.exit_code != 0
    assert "row 3" in result.output and column in result.output and reason in result.output
    assert "Synthetic-Parent" not in result.output and "75001" not in result.output  # values never echoed
    assert snapshot(factory) == before  # nothing imported, not even row 2


def test_migration_0016_up_and_down_with_data(factory: SessionFactory, cli_env: str, database_url: str) -> None:
    assert run("demo-data", "--plans", "12", "--seed", "1", "--as-of", "2026-12-01").exit_code == 0
    engine = get_engine(database_url)
    counts = "SELECT (SELECT count(*) FROM reviews), (SELECT count(*) FROM notifications), (SELECT count(*) FROM plans)"
    with session_scope(factory) as session:
        assert session.scalars(select(FamilyContact)).first() is not None  # the demo invents families
        session.add(Notification(idempotency_key="k/1", review_id=None, channel="post", recipient_role="family",
                                 template="decision-maintain", family_contact_id=1, letter_on=date(2026, 12, 1)))
    with engine.connect() as connection:
        before = tuple(connection.execute(text(counts)).one())
    downgrade(engine, "0013")
    with engine.connect() as connection:
        assert tuple(connection.execute(text(counts)).one()) == before
        assert "family_contacts" not in {r[0] for r in connection.execute(text(_TABLES[engine.dialect.name]))}
    upgrade(engine)
    with engine.connect() as connection:
        assert tuple(connection.execute(text(counts)).one()) == before
    with session_scope(factory) as session:
        row = session.scalars(select(Notification).where(Notification.idempotency_key == "k/1")).one()
        assert row.letter_on is None and row.channel == "post"  # the columns came back empty, the row stayed


_TABLES = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table'",
    "postgresql": "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
}


def test_families_of_more_children_than_one_statement_can_name_are_saved(
    folder: Path, factory: SessionFactory
) -> None:
    """Found at 100,000 plans: one IN list of every child's reference broke PostgreSQL's 65,535-parameter limit."""
    from records.family import CONTACT_FIELDS, read_family
    from records.importing.family_columns import write_families
    from records.models import ContactSlot

    assert run("import", "caseload", str(_file(folder))).exit_code == 0
    cells = {slot: {name: PARENTS.get(f"{slot.value}_{name}", "") for name in CONTACT_FIELDS} for slot in ContactSlot}
    family, problems = read_family(cells, {"representative": "", "copy_parents": ""})
    assert problems == []
    families = {f"UNKNOWN{n:06}": family for n in range(70_000)} | {"T001": family}
    with session_scope(factory) as session:
        assert write_families(session, families, actor="test") == 1
    assert [slot for slot, *_ in _contacts(factory)] == ["parent1", "parent2"]
