"""The backlog counted by setting, stage and months overdue (``reports.backlog``), and ``ehcp report backlog``.

On the synthetic caseload of ``tests.records.backlog_caseload`` (answers worked by hand there), on SQLite and
PostgreSQL: the bands, the settings, the stages, ceased and decided plans left out, the as-of date injected,
the list behind each count, and the command line printing the same figures.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from records.session import SessionFactory, session_scope
from reports.backlog import BANDS, NO_STAGE, BacklogFilter, backlog, backlog_csv, backlog_reviews, band_of, cutoff
from reports.overdue import OverdueReview, months_between, overdue_reviews
from tests.records.backlog_caseload import AS_OF, BY_BAND, load_backlog_caseload
from tests.records.support import run


@pytest.fixture
def caseload(cli_env: str, tmp_path: Path, factory: SessionFactory) -> SessionFactory:
    load_backlog_caseload(tmp_path, factory)
    return factory


def test_the_backlog_by_band_setting_and_stage(caseload: SessionFactory) -> None:
    with session_scope(caseload) as session:
        figures = backlog(session, AS_OF)
    assert figures.as_of == AS_OF
    assert figures.by_band == BY_BAND and figures.total == 9  # C1 ceased, D1 decided, N1 and N2 not yet overdue
    assert [(row.key, row.label, row.counts) for row in figures.by_setting] == [  # most overdue first
        ("900302", "Synthetic Backlog College", (0, 0, 0, 3, 2)),
        ("900301", "Synthetic Backlog Primary", (2, 1, 1, 0, 0)),
    ]
    assert [(row.key, row.counts, row.total) for row in figures.by_stage] == [
        ("1", (1, 0, 0, 0, 1), 2), ("2", (1, 1, 0, 0, 0), 2), ("3", (0, 0, 1, 1, 0), 2), ("4", (0, 0, 0, 2, 1), 3),
    ]
    assert figures.by_stage[1].label == "Stage 2: review meeting"


def test_an_earlier_business_date_counts_the_backlog_as_it_stood(caseload: SessionFactory) -> None:
    with session_scope(caseload) as session:
        figures = backlog(session, date(2026, 12, 31))
    # B6 2 months; D1 and D2 (decided only in 2027) 1 month; B7 3 months; B8 years; B5 due on the day: not yet
    assert figures.by_band == (0, 2, 1, 1, 1)


def test_each_count_lists_exactly_its_reviews(caseload: SessionFactory) -> None:
    with session_scope(caseload) as session:
        figures = backlog(session, AS_OF)
        everything = overdue_reviews(session, AS_OF)
        for row in figures.by_setting:
            for band, count in zip(BANDS, row.counts, strict=True):
                listed = backlog_reviews(session, AS_OF, BacklogFilter(setting_urn=row.key, band=band.key))
                assert len(listed) == count
                assert all(band_of(line.months_overdue) == band and line.setting_urn == row.key for line in listed)
        for row in figures.by_stage:
            listed = backlog_reviews(session, AS_OF, BacklogFilter(stage=int(row.key)))
            assert len(listed) == row.total and {line.stage for line in listed} == {int(row.key)}
        assert backlog_reviews(session, AS_OF, BacklogFilter(stage=NO_STAGE)) == []
        assert len(backlog_reviews(session, AS_OF, limit=3)) == 3
    assert len(everything) == figures.total


@given(st.dates(date(2020, 1, 1), date(2030, 12, 31)), st.integers(0, 40), st.integers(1, 2000))
def test_the_cut_off_dates_agree_with_whole_months_overdue(as_of: date, months: int, days_before: int) -> None:
    due_on = as_of - timedelta(days=days_before)
    assert (months_between(due_on, as_of) >= months) == (due_on <= cutoff(as_of, months))


def test_the_csv_escapes_cells_a_spreadsheet_would_run() -> None:
    line = OverdueReview("=HYPERLINK(\"http://x\")", "S1", "+900301", date(2026, 1, 1), 7, 220, 2, "@step",
                         "la", "-1 sent")
    rows = list(csv.reader(io.StringIO(backlog_csv([line]))))
    assert rows[0][:5] == ["reference", "setting_urn", "review_due_on", "months_overdue", "months_band"]
    assert rows[1][0] == "'=HYPERLINK(\"http://x\")" and rows[1][1] == "'+900301"
    assert rows[1][4] == "6 months or more" and rows[1][7] == "'@step" and rows[1][9] == "'-1 sent"


def _numbers(line: str) -> list[int]:
    return [int(found) for found in re.findall(r"(?<![\w-])\d+(?![\w-])", line)]


def test_the_command_line_prints_the_same_figures(caseload: SessionFactory) -> None:
    with session_scope(caseload) as session:
        figures = backlog(session, AS_OF)
        reviews = backlog_reviews(session, AS_OF)
    result = run("report", "backlog", "--as-of", AS_OF.isoformat())
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"as of {AS_OF.isoformat()}: {figures.total}" in out
    lines = out.splitlines()
    for band, count in zip(BANDS, figures.by_band, strict=True):
        assert any(band.label in line and _numbers(line)[-1:] == [count] for line in lines), band
    for row in (*figures.by_setting, *figures.by_stage):
        line = next(line for line in lines if row.label in line)
        assert _numbers(line)[-6:] == [*row.counts, row.total], line
    result = run("report", "backlog", "--as-of", AS_OF.isoformat(), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout == backlog_csv(reviews)


def test_a_bad_as_of_names_the_option(cli_env: str) -> None:
    result = run("report", "backlog", "--as-of", "31/03/2027")
    assert result.exit_code == 2 and "--as-of" in result.stderr
