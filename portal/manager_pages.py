"""The managers' pages: the compliance report, the SEN2 figures and the termly list per setting.

Each reads the records with the report modules the CLI uses (``reports/``); nothing is recounted here.
"""

from __future__ import annotations

from datetime import date, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from portal.finding import child_name, year_text
from portal.web import NotAllowed, page, portal_of, signed_in
from records.review_search import children_of
from records.session import session_scope
from records.settings import get_settings
from reports.compliance import Period, compliance_report
from reports.csv_safety import csv_text
from reports.rendering import compliance_csv, compliance_html, line_values
from reports.sen2 import sen2_census
from reports.sen2_census import latest_measures_year, measures_census_day
from reports.sen2_measures import measures_for
from reports.termly import termly_list
from reports.terms import load_terms, term_by_id, term_covering

router = APIRouter(include_in_schema=False)
SEN2_LABELS = {
    "total_ehc_plans": "Plans in force at the census",
    "review_expected": "Review expected in the year",
    "review_not_expected": "Review not expected (plan under a year old)",
    "review_completed": "Review completed in the year",
    "review_completed_prior": "Review completed before the year",
    "review_not_completed": "Review not completed",
    "outcome_amended": "Outcome: amended",
    "outcome_ceased": "Outcome: ceased",
    "outcome_maintained": "Outcome: maintained",
    "no_outcome_recorded": "No outcome recorded",
    "decision_4_weeks": "Decision within 4 weeks of the meeting",
    "decision_over_4_weeks": "Decision after more than 4 weeks",
}


def _manager(request: Request) -> None:
    if not signed_in(request).is_manager:
        raise NotAllowed


def _year_period(today: date) -> Period:
    return Period(today.replace(month=1, day=1) if today.month > 1 else today - timedelta(days=364), today, today)


@router.get("/manage", response_class=HTMLResponse)
def reports_home(request: Request) -> Response:
    _manager(request)
    return page(request, "manage.html.j2")


@router.get("/manage/compliance", response_class=HTMLResponse)
def compliance(request: Request) -> Response:
    _manager(request)
    portal = portal_of(request)
    with session_scope(portal.factory) as session:
        report = compliance_report(session, _year_period(portal.today()))
    rows = [line_values(line) for line in report.by_stage]
    imported = [line_values(line) for line in report.imported]
    return page(request, "compliance.html.j2", rows=rows, imported=imported, period=report.period)


@router.get("/manage/compliance.{fmt}")
def compliance_download(request: Request, fmt: str) -> Response:
    _manager(request)
    portal = portal_of(request)
    with session_scope(portal.factory) as session:
        report = compliance_report(session, _year_period(portal.today()))
    if fmt == "csv":
        return Response(compliance_csv(report), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="compliance.csv"'})
    return HTMLResponse(compliance_html(report))


@router.get("/manage/sen2", response_class=HTMLResponse)
def sen2(request: Request, year: int | None = None) -> Response:
    _manager(request)
    portal = portal_of(request)
    today = portal.today()
    latest = latest_measures_year(today)
    chosen = year if year is not None and 2014 <= year <= latest else latest
    census_on = measures_census_day(chosen)
    with session_scope(portal.factory) as session:
        census = sen2_census(session, census_on, today)
    measures = measures_for(census.items, chosen, census_on)
    rows = [(label, measures.counts.get(name, 0)) for name, label in SEN2_LABELS.items()]
    csv = csv_text(("measure", "count"), [(name, measures.counts.get(name, 0)) for name in SEN2_LABELS])
    return page(request, "sen2.html.j2", rows=rows, year=chosen, census_on=census_on, csv=csv,
                warnings=census.completeness.warnings())


@router.get("/manage/termly", response_class=HTMLResponse)
def termly(request: Request, term: str | None = None) -> Response:
    _manager(request)
    portal = portal_of(request)
    dates = load_terms(get_settings().term_dates_file)
    chosen = term_by_id(dates.terms, term) if term else term_covering(dates.terms, portal.today())
    chosen = chosen or dates.terms[0]
    with session_scope(portal.factory) as session:
        lists = termly_list(session, chosen)
        children = children_of(session, [item.reference for lst in lists for item in lst.items])
    return page(request, "termly.html.j2", lists=lists, term=chosen, terms=dates.terms, verified=dates.verified,
                children=children, year_text=year_text, child_name=child_name)
