"""Reading facts: every problem named with its field path; impossible orders refused."""

from __future__ import annotations

from typing import Any

import pytest

from rules.errors import FactsError
from rules.facts import Outcome, TransferKind
from rules.facts_input import parse_date, review_facts_from


def problems(data: Any) -> dict[str, str]:
    with pytest.raises(FactsError) as caught:
        review_facts_from(data)
    return {p.field: p.message for p in caught.value.problems}


def test_reads_every_field() -> None:
    facts = review_facts_from(
        {
            "plan_first_issued_on": "2025-03-14",
            "previous_review": None,
            "phase_transfer": {"kind": "post16", "transfer_on": "2027-07-31"},
            "meeting_held_on": "2026-02-10",
            "decision": {"outcome": "amend", "notified_on": "2026-03-02"},
            "amendment_notice_sent_on": "2026-03-02",
            "final_plan_issued_on": "2026-04-20",
        }
    )
    assert facts.decision is not None and facts.decision.outcome is Outcome.AMEND
    assert facts.phase_transfer is not None and facts.phase_transfer.kind is TransferKind.POST16


@pytest.mark.parametrize(
    ("value", "reason"),
    [("2026-02-30", "not a real date"), ("10/02/2026", "YYYY-MM-DD"), (20260210, "as text"), ("2026-2-1x", "YYYY")],
)
def test_parse_date_says_why(value: object, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_date(value)


def test_every_problem_is_reported_at_once() -> None:
    found = problems(
        {
            "plan_first_issued_on": "2026-02-30",
            "meeting_hled_on": "2026-02-10",
            "decision": {"outcome": "approve", "notified_on": "yesterday"},
            "phase_transfer": {"kind": "college", "year": 2027},
        }
    )
    assert "not a real date" in found["plan_first_issued_on"]
    assert "did you mean 'meeting_held_on'" in found["meeting_hled_on"]
    assert "'approve'" in found["decision.outcome"] and "maintain, amend, cease" in found["decision.outcome"]
    assert "YYYY-MM-DD" in found["decision.notified_on"]
    assert "school, secondary_to_post16, post16" in found["phase_transfer.kind"]


def test_missing_plan_first_issued_on() -> None:
    assert "required" in problems({"meeting_held_on": "2026-02-10"})["plan_first_issued_on"]


def test_unknown_nested_field_suggests_nearest() -> None:
    found = problems(
        {"plan_first_issued_on": "2025-03-14", "decision": {"outcome": "amend", "notifed_on": "2026-03-02"}}
    )
    assert "did you mean 'notified_on'" in found["decision.notifed_on"]
    assert "required" in found["decision.notified_on"]


def test_not_an_object() -> None:
    assert "JSON object" in problems(["2025-03-14"])["(file)"]


def test_year_must_be_a_year() -> None:
    found = problems({"plan_first_issued_on": "2025-03-14", "phase_transfer": {"kind": "school", "year": "next"}})
    assert "year such as 2027" in found["phase_transfer.year"]


@pytest.mark.parametrize(
    ("extra", "field", "words"),
    [
        ({"meeting_held_on": "2025-03-01"}, "meeting_held_on", "before the plan was first issued"),
        (
            {"meeting_held_on": "2026-02-10", "decision": {"outcome": "maintain", "notified_on": "2026-02-09"}},
            "decision.notified_on",
            "before the meeting",
        ),
        ({"decision": {"outcome": "maintain", "notified_on": "2026-02-09"}}, "decision", "meeting_held_on"),
        (
            {
                "meeting_held_on": "2026-02-10",
                "decision": {"outcome": "maintain", "notified_on": "2026-03-01"},
                "amendment_notice_sent_on": "2026-03-01",
            },
            "amendment_notice_sent_on",
            "outcome 'amend'",
        ),
        ({"amendment_notice_sent_on": "2026-03-01"}, "amendment_notice_sent_on", "outcome 'amend'"),
        (
            {
                "meeting_held_on": "2026-02-10",
                "decision": {"outcome": "amend", "notified_on": "2026-03-02"},
                "amendment_notice_sent_on": "2026-03-02",
                "final_plan_issued_on": "2026-03-01",
            },
            "final_plan_issued_on",
            "cannot precede the amendment notice",
        ),
        ({"final_plan_issued_on": "2026-03-01"}, "final_plan_issued_on", "needs amendment_notice_sent_on"),
        (
            {"previous_review": {"meeting_on": "2025-06-01", "decision_on": "2025-05-01"}},
            "previous_review.decision_on",
            "cannot precede its meeting",
        ),
        ({"phase_transfer": {"kind": "post16"}}, "phase_transfer.transfer_on", "needs transfer_on"),
        ({"phase_transfer": {"kind": "school"}}, "phase_transfer.year", "needs year"),
    ],
)
def test_impossible_orders_are_refused(extra: dict[str, Any], field: str, words: str) -> None:
    found = problems({"plan_first_issued_on": "2025-03-14", **extra})
    assert words in found[field]
