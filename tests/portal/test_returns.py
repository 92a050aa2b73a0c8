"""Issue 23 items 2, 5 and 6 in the front door: each new return opens for a manager and downloads as CSV; nobody
else may open them; the SEN2 page says what the records lack; the compliance page counts imported history."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from portal.accounts import Role
from records.models import Review
from records.session import SessionFactory, session_scope
from tests.portal.conftest import make_account, urn_with_reviews

PAGES = {
    "/manage/returns/annex-a": ("/manage/returns/annex-a.csv", "Unique ID"),
    "/manage/returns/foi": ("/manage/returns/foi.csv?start=2025-12-01&end=2026-12-01", "figure"),
    "/manage/returns/breakdowns?year=2025": ("/manage/returns/breakdowns.csv?year=2025", "breakdown_topic"),
}


@pytest.fixture
def manager(factory: SessionFactory, client_for) -> TestClient:
    make_account(factory, "manager@council.example", Role.MANAGER)
    client: TestClient = client_for("manager@council.example")
    return client


def test_each_return_opens_and_downloads_as_csv(manager: TestClient, factory: SessionFactory) -> None:
    home = manager.get("/manage/returns")
    assert home.status_code == 200 and "annex A list 1" in home.text
    assert "/manage/returns" in manager.get("/manage").text
    for path, (download, first_column) in PAGES.items():
        shown = manager.get(path)
        assert shown.status_code == 200, (path, shown.text)
        assert "Download as CSV" in shown.text
        got = manager.get(download)
        assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
        assert "attachment" in got.headers["content-disposition"]
        assert next(csv.reader(io.StringIO(got.text)))[0] == first_column
    with session_scope(factory) as session:
        reference = session.scalars(select(Review.reference).order_by(Review.reference)).first()
    page = manager.get(f"/manage/returns/chronology?reference={reference}")
    assert page.status_code == 200 and "First final EHC plan issued" in page.text
    got = manager.get(f"/manage/returns/chronology.csv?reference={reference}")
    assert got.status_code == 200 and next(csv.reader(io.StringIO(got.text)))[:3] == ["date", "time", "review"]
    missing = manager.get("/manage/returns/chronology?reference=AR-1999-00001")
    assert missing.status_code == 400 and "There is no review with this reference" in missing.text
    bad = manager.get("/manage/returns/foi?start=2025-13-01")
    assert bad.status_code == 400 and "There is a problem" in bad.text


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.SETTING])
def test_only_managers_open_the_returns(factory: SessionFactory, client_for, role: Role) -> None:
    urns = (urn_with_reviews(factory, 1)[0],) if role is Role.SETTING else ()
    make_account(factory, f"{role}@council.example", role, urns)
    client: TestClient = client_for(f"{role}@council.example")
    for path in ("/manage/returns", "/manage/returns/annex-a.csv", "/manage/returns/chronology.csv?reference=X"):
        assert client.get(path).status_code == 403, path


def test_the_sen2_page_says_what_the_records_lack(manager: TestClient) -> None:
    page = manager.get("/manage/sen2?year=2025").text  # the demo holds one previous review per plan (2026 mostly)
    assert "govuk-warning-text" in page and "The records lack history for" in page


def test_the_compliance_page_counts_imported_history_plainly(manager: TestClient) -> None:
    page = manager.get("/manage/compliance").text
    assert "Previous reviews imported with the caseload" in page
    assert "SEN2&#39;s figures count something else" in page or "SEN2's figures count something else" in page
