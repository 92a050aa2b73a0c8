"""``ehcp demo-data``: synthetic, deterministic by seed, every phase and stage, written through the import."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

from records.demo.caseload import demo_caseload
from records.models import Phase
from records.session import SessionFactory
from tests.records.support import count, run

TODAY = date(2026, 3, 2)


def test_same_seed_same_caseload_and_another_seed_another() -> None:
    assert demo_caseload(300, 5, TODAY) == demo_caseload(300, 5, TODAY)
    assert demo_caseload(300, 5, TODAY) != demo_caseload(300, 6, TODAY)


def test_caseload_has_every_phase_and_obviously_synthetic_people() -> None:
    demo = demo_caseload(2000, 1, TODAY)
    phases = {cells["phase"] for _, cells in demo.settings.rows}
    assert {p.value for p in Phase} - phases == {"middle", "all_through", "none"}  # none: Reg 21's placeholder
    cells = [c for _, c in demo.caseload.rows]
    assert all(c["family_name"].startswith("Synthetic-") and c["child_ref"].startswith("DEMO") for c in cells)
    assert all(c["setting_urn"].lstrip("EY").startswith("9") for c in cells)
    assert Counter(bool(c["transfer_kind"]) for c in cells)[True] > 100


def test_demo_data_into_the_database_has_reviews_at_every_stage_and_some_late(
    cli_env: str, factory: SessionFactory
) -> None:
    result = run("demo-data", "--plans", "600", "--seed", "2", "--as-of", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    assert "plans 600 created" in result.stdout
    assert count(factory, "reviews") == 600
    listed = run("reviews", "--as-of", TODAY.isoformat(), "--json")
    reviews = json.loads(listed.stdout)["reviews"]
    assert {r["stage"] for r in reviews} == {1, 2, 3, 4, 5, None}
    assert any(r["days_left"] is not None and r["days_left"] < 0 for r in reviews)
    again = run("demo-data", "--plans", "600", "--seed", "2", "--as-of", TODAY.isoformat())
    assert "plans 0 created, 0 updated, 600 unchanged" in again.stdout


def test_demo_data_out_writes_the_same_files_for_the_same_seed(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        out = str(tmp_path / folder)
        result = run("demo-data", "--plans", "50", "--seed", "9", "--as-of", "2026-03-02", "--out", out)
        assert result.exit_code == 0, result.output
    for name in ("settings.csv", "caseload.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_demo_has_ceased_plans_and_transfers_in_that_owe_nothing_after_the_cease(
    cli_env: str, factory: SessionFactory
) -> None:
    """Issue 23: the demo shows ceased plans (no cycle, no open deadline, a cease date) and transfers in."""
    from sqlalchemy import func, select

    from records.models import DeadlineRecord, Plan, Review
    from records.session import session_scope

    assert run("demo-data", "--plans", "600", "--seed", "3", "--as-of", "2026-12-04").exit_code == 0
    with session_scope(factory) as session:
        ceased = session.scalars(select(Plan).where(Plan.status == "ceased")).all()
        moved = session.scalar(select(func.count()).where(Plan.transferred_in_on.is_not(None)))
        owed = session.scalar(
            select(func.count()).select_from(DeadlineRecord).join(Review).join(Plan)
            .where(Plan.status == "ceased", DeadlineRecord.is_open)
        )
    assert len(ceased) >= 3 and moved >= 5 and owed == 0
    assert all(plan.ceased_on is not None for plan in ceased)
