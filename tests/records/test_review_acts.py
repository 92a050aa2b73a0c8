"""Records-only acts through ``ehcp`` (issue 18): a mediation certificate (N10), an under-5's interim review (N20)
and the school a plan names (N9). Each is audited, recomputes the deadlines, and a refusal writes nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from records.models import AuditEntry, DeadlineRecord, Notification, Review
from records.session import SessionFactory, session_scope
from tests.records.support import run, snapshot, write_csv

SETTINGS = [
    {"urn": "900401", "name": "Synthetic Oak Nursery", "phase": "early_years"},
    {"urn": "900402", "name": "Synthetic Elm Primary", "phase": "primary"},
]
MAINTAINED = {
    "child_ref": "RA1",
    "given_name": "Testchild",
    "family_name": "Synthetic-RA1",
    "date_of_birth": "2022-09-01",
    "setting_urn": "900401",
    "plan_first_issued_on": "2025-03-03",
    "meeting_held_on": "2026-02-02",
    "decision_outcome": "maintain",
    "decision_notified_on": "2026-02-16",
}
UNDER_FIVE = {
    "child_ref": "RA2",
    "given_name": "Testchild",
    "family_name": "Synthetic-RA2",
    "date_of_birth": "2023-05-01",
    "setting_urn": "900401",
    "plan_first_issued_on": "2026-06-01",
    "transfer_kind": "school",
    "transfer_year": "2027",
}


@pytest.fixture
def loaded(cli_env: str, tmp_path: Path) -> None:
    assert run("import", "settings", str(write_csv(tmp_path / "s.csv", SETTINGS))).exit_code == 0
    header = sorted({*MAINTAINED, *UNDER_FIVE})
    result = run("import", "caseload", str(write_csv(tmp_path / "c.csv", [MAINTAINED, UNDER_FIVE], header)))
    assert result.exit_code == 0, result.output


def _review(factory: SessionFactory, child_ref: str) -> tuple[str, dict[str, date]]:
    with session_scope(factory) as session:
        review = session.scalars(select(Review).where(Review.reference.like("AR-%")).order_by(Review.id)).all()
        found = next(r for r in review if r.plan.child.child_ref == child_ref)
        rows = session.execute(
            select(DeadlineRecord.key, DeadlineRecord.due_on).where(DeadlineRecord.review_id == found.id)
        )
        due = {row.key: row.due_on for row in rows}
        return found.reference, due


@pytest.mark.usefixtures("loaded")
def test_n10_ehcp_records_a_mediation_certificate_and_queues_the_familys_letter(factory: SessionFactory) -> None:
    """Maintain letter Mon 16 Feb 2026: appeal by Thu 16 Apr. Certificate Fri 10 Apr: 1 month on, Mon 11 May."""
    reference, due = _review(factory, "RA1")
    assert due["appeal_due"] == date(2026, 4, 16)
    before = snapshot(factory)
    early = run("mediation-certificate", reference, "--on", "2026-02-13")
    assert early.exit_code == 2 and "follows the letter" in early.stderr
    assert run("mediation-certificate", reference, "--on", "1775779200").exit_code == 2  # a timestamp (N15)
    assert snapshot(factory) == before
    done = run("mediation-certificate", reference, "--on", "2026-04-10")
    assert done.exit_code == 0, done.output
    assert "2026-05-11" in done.stdout
    assert _review(factory, "RA1")[1]["appeal_due"] == date(2026, 5, 11)
    assert run("mediation-certificate", reference, "--on", "2026-04-10").stdout.startswith("Already recorded")
    with session_scope(factory) as session:
        kinds = list(session.scalars(select(Notification.template)))
        actions = list(session.scalars(select(AuditEntry.action)))
    assert kinds == ["appeal-after-mediation"] and actions.count("review.mediation_certificate") == 1


@pytest.mark.usefixtures("loaded")
def test_n20_an_interim_review_of_an_under_five_is_recorded_and_meets_its_date(factory: SessionFactory) -> None:
    reference, due = _review(factory, "RA2")
    assert due["interim_review_due"] == date(2026, 11, 30)  # 6 months starting with the plan (CoP 9.178)
    assert run("interim-review", reference, "--held-on", "2099-01-01").exit_code == 2
    done = run("interim-review", reference, "--held-on", "2026-11-20")
    assert done.exit_code == 0, done.output
    with session_scope(factory) as session:
        review_id = session.scalars(select(Review.id).where(Review.reference == reference)).one()
        row = session.scalars(
            select(DeadlineRecord).where(
                DeadlineRecord.review_id == review_id, DeadlineRecord.key == "interim_review_due"
            )
        ).one()
        assert (row.met_on, row.is_open) == (date(2026, 11, 20), False)


@pytest.mark.usefixtures("loaded")
def test_n9_the_school_a_transfer_plan_names_is_recorded_and_cleared(factory: SessionFactory) -> None:
    reference, _ = _review(factory, "RA2")
    assert run("named-institution", reference, "999999").exit_code == 2
    assert run("named-institution", reference, "900402").exit_code == 0
    with session_scope(factory) as session:
        review = session.scalars(select(Review).where(Review.reference == reference)).one()
        assert review.named_setting is not None and review.named_setting.urn == "900402"
    assert run("named-institution", reference, "900401").exit_code == 0  # the current setting: none other named
    with session_scope(factory) as session:
        assert session.scalars(select(Review.named_setting_id).where(Review.reference == reference)).one() is None
