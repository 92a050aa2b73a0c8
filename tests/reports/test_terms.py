"""Term dates as data, and which terms need their lists sent (pure: no database)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from reports.terms import Term, TermsFileError, load_terms, term_by_id, term_covering, terms_needing_lists

NORFOLK = load_terms()
AUTUMN_2026 = term_by_id(NORFOLK.terms, "autumn-2026")


def test_packaged_norfolk_file_covers_three_academic_years_and_says_it_is_illustrative() -> None:
    assert [t.id for t in NORFOLK.terms][:3] == ["autumn-2025", "spring-2026", "summer-2026"]
    assert len(NORFOLK.terms) == 9 and NORFOLK.terms[-1].id == "summer-2028"
    assert NORFOLK.verified is False and "not verified" in NORFOLK.note.lower()
    assert all(t.starts_on.weekday() < 5 for t in NORFOLK.terms)


def test_a_holiday_belongs_to_the_term_before_it() -> None:
    assert AUTUMN_2026 is not None
    assert AUTUMN_2026.window_ends_on == date(2027, 1, 3)  # spring 2027 starts Mon 4 Jan
    summer = term_covering(NORFOLK.terms, date(2026, 8, 15))
    assert summer is not None and summer.id == "summer-2026"


@pytest.mark.parametrize(
    ("today", "listed"),
    [
        ("2026-08-19", True),  # Wed: exactly 14 days before Wed 2 Sep 2026
        ("2026-08-18", False),  # 15 days before, with a 14-day lead: not yet
        ("2026-09-01", True),  # the day before the term starts
        ("2026-09-02", False),  # the term has started: never
        ("2026-09-10", False),
    ],
)
def test_terms_needing_lists_with_a_14_day_lead(today: str, listed: bool) -> None:
    found = terms_needing_lists(NORFOLK.terms, date.fromisoformat(today), lead_days=14)
    assert (AUTUMN_2026 in found) is listed


def test_default_lead_opens_four_weeks_ahead_and_below_14_days_is_refused() -> None:
    assert AUTUMN_2026 is not None
    assert terms_needing_lists(NORFOLK.terms, AUTUMN_2026.starts_on - timedelta(days=28)) == [AUTUMN_2026]
    assert terms_needing_lists(NORFOLK.terms, AUTUMN_2026.starts_on - timedelta(days=29)) == []
    with pytest.raises(ValueError, match="at least 14"):
        terms_needing_lists(NORFOLK.terms, date(2026, 8, 20), lead_days=13)


def test_another_authoritys_file_replaces_norfolks(tmp_path: Path) -> None:
    path = tmp_path / "terms.toml"
    path.write_text('authority = "Elsewhere"\nverified = true\n[[terms]]\nseason = "spring"\n'
                    "starts_on = 2027-01-05\nends_on = 2027-03-31\n", encoding="utf-8")
    dates = load_terms(path)
    assert dates.verified and dates.terms == (Term("spring", date(2027, 1, 5), date(2027, 3, 31), date(2027, 3, 31)),)


@pytest.mark.parametrize(
    "body",
    ["", "[[terms]]\nseason = 'winter'\nstarts_on = 2027-01-05\nends_on = 2027-03-31\n",
     "[[terms]]\nseason = 'spring'\nstarts_on = 2027-03-05\nends_on = 2027-01-31\n", "not toml ["],
)
def test_malformed_files_are_refused_naming_the_file(tmp_path: Path, body: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(TermsFileError, match="bad.toml"):
        load_terms(path)
