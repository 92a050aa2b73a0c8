"""The manager's compliance page with its charts, and the backlog: counts that link to their reviews, the CSV.

On the demo caseload of the portal tests (business date 1 Dec 2026), with a dozen open reviews moved past their
12-month date by 3 days to 14 months (``overdue``). The figures are ``reports.backlog``'s; the page only shows
them, so each count is checked against the list its link opens.
"""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from portal.accounts import Role
from records.models import DeadlineRecord, Review
from records.session import SessionFactory, session_scope
from reports.backlog import backlog
from tests.portal.conftest import TODAY, make_account, urn_with_reviews

LINK = re.compile(r'href="(/manage/backlog/reviews\?[^"]*)">(\d+)<')
ROW = re.compile(r'<a class="govuk-link" href="/reviews/([A-Z0-9-]+)">')


DAYS_OVERDUE = (3, 20, 40, 45, 70, 100, 150, 170, 200, 300, 420, 3)


def make_overdue(factory: SessionFactory) -> None:
    """Move a dozen open reviews' 12-month dates into the past, across every band of months overdue."""
    with session_scope(factory) as session:
        deadlines = session.scalars(
            select(DeadlineRecord).join(Review, Review.id == DeadlineRecord.review_id)
            .where(DeadlineRecord.key == "review_due", Review.stage.is_not(None),
                   Review.decision_notified_on.is_(None))
            .order_by(Review.reference).limit(len(DAYS_OVERDUE))
        ).all()
        assert len(deadlines) == len(DAYS_OVERDUE)
        for deadline, days in zip(deadlines, DAYS_OVERDUE, strict=True):
            deadline.due_on = TODAY - timedelta(days=days)


@pytest.fixture
def manager(factory: SessionFactory, client_for: Any) -> Any:
    make_overdue(factory)
    make_account(factory, "manager@council.example", Role.MANAGER)
    return client_for("manager@council.example")


def test_the_backlog_shows_the_report_figures_and_each_count_opens_its_reviews(
    factory: SessionFactory, manager: Any
) -> None:
    with session_scope(factory) as session:
        figures = backlog(session, TODAY)
    assert figures.total > 0, "the demo caseload should have overdue reviews"
    response = manager.get("/manage/backlog")
    assert response.status_code == 200
    text = response.text
    assert f"<strong>{figures.total}</strong>" in text
    assert 'href="/manage"' in text and 'class="govuk-header"' in text and "Sign out" in text
    assert 'href="/manage/backlog"' in manager.get("/manage").text
    links = [(html.unescape(href), int(count)) for href, count in LINK.findall(text)]
    assert links, "no count links"
    for href, count in links:
        listed = manager.get(href)
        assert listed.status_code == 200, href
        assert len(ROW.findall(listed.text)) == count, href
    first = ROW.findall(manager.get(links[0][0]).text)[0]
    assert manager.get(f"/reviews/{first}").status_code == 200  # the list links to the existing review page
    assert sum(count for href, count in links if "setting=" in href and "months=" not in href) == figures.total
    assert sum(count for href, count in links if "stage=" in href and "months=" not in href) == figures.total


def test_the_compliance_page_has_its_charts_inside_the_service(factory: SessionFactory, manager: Any) -> None:
    text = manager.get("/manage/compliance").text
    assert 'class="govuk-header"' in text and 'href="/manage/backlog"' in text
    assert "On time, by deadline" in text and 'class="portal-chart__bar"' in text and "portal-grid" in text
    assert 'aria-hidden="true"' in text  # the bars are drawn beside their figures, never instead of them
    scripts = re.findall(r'<script[^>]*\bsrc="([^"]*)"', text)
    assert all(src.startswith("/") and not src.startswith("//") for src in scripts), scripts  # none from elsewhere
    assert "http://" not in text.replace("http://www.w3.org", "")
    with session_scope(factory) as session:
        figures = backlog(session, TODAY)
    assert f"<strong>{figures.total}</strong>" in text
    download = manager.get("/manage/compliance.html")
    assert download.headers["content-disposition"].startswith("attachment;")


def test_the_backlog_csv_is_every_overdue_review_with_cells_escaped(factory: SessionFactory, manager: Any) -> None:
    listed = ROW.findall(manager.get("/manage/backlog/reviews").text)
    with session_scope(factory) as session:
        review = session.scalars(select(Review).where(Review.reference == listed[0])).one()
        review.next_deadline_key = '=HYPERLINK("http://evil.example","x")'
    response = manager.get("/manage/backlog.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == f'attachment; filename="backlog-{TODAY.isoformat()}.csv"'
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [row["reference"] for row in rows] == listed
    assert rows[0]["next_step"].startswith("'=HYPERLINK(")
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())
    urn = rows[0]["setting_urn"]
    only = list(csv.DictReader(io.StringIO(manager.get(f"/manage/backlog.csv?setting={urn}").text)))
    assert only and {row["setting_urn"] for row in only} == {urn}


@pytest.mark.parametrize(("query", "field"), [
    ("months=7-8", "Months overdue"), ("stage=9", "Stage"), ("stage=x", "Stage"), ("setting=%3Cb%3E", "Setting"),
])
def test_a_bad_filter_is_refused_naming_the_field(manager: Any, query: str, field: str) -> None:
    for path in ("/manage/backlog/reviews", "/manage/backlog.csv"):
        response = manager.get(f"{path}?{query}")
        assert response.status_code == 400 and f"{field}:" in response.text, (path, query)


@pytest.mark.parametrize("role", [Role.SETTING, Role.CASEWORKER])
def test_only_managers_see_the_backlog(factory: SessionFactory, client_for: Any, role: Role) -> None:
    urn, _reference = urn_with_reviews(factory, 1)
    make_account(factory, "someone@example.org", role, (urn,) if role is Role.SETTING else ())
    client = client_for("someone@example.org")
    for path in ("/manage/backlog", "/manage/backlog/reviews", f"/manage/backlog/reviews?setting={urn}",
                 "/manage/backlog.csv", "/manage/compliance"):
        response = client.get(path)
        assert response.status_code == 403 and "overdue" not in response.text.lower(), path
        assert "/reviews/AR-" not in response.text and "reference," not in response.text, path


def test_the_list_names_each_child_for_the_manager_and_the_csv_does_not(factory: SessionFactory, manager: Any) -> None:
    page = manager.get("/manage/backlog/reviews").text
    listed = ROW.findall(page)
    with session_scope(factory) as session:
        child = session.scalars(select(Review).where(Review.reference == listed[0])).one().plan.child
        given, family = child.given_name, child.family_name
    assert given in page and family in page
    assert given not in manager.get("/manage/backlog.csv").text  # a file that travels: no personal data
