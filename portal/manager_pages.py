"""The managers' pages: the compliance report, the SEN2 figures and the termly list per setting.

Each reads the records with the report modules the CLI uses (``reports/``); nothing is recounted here.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from portal.web import NotAllowed, page, portal_of, signed_in
from records.session import session_scope
from records.settings import get_settings
from reports.compliance import Period, compliance_report
from reports.rendering import compliance_csv, compliance_html, line_values
from reports.sen2 import sen2_measures
from reports.sen2_csv import measures_csv
from reports.termly import termly_list
from reports.terms import load_terms, term_by_id, term_covering

router = APIRouter(include_in_schema=False)
SEN2_LABELS = {
    "reviews_expected": "Reviews due in the year",
    "reviews_completed": "Reviews completed",
    "reviews_completed_in_time": "Completed within 12 months",
    "reviews_not_completed": "Not completed",
    "meetings_held": "Review meetings held",
    "outcome_amend": "Decided: amend",
    "outcome_cease": "Decided: cease",
    "outcome_maintain": "Decided: maintain",
    "decision_4_weeks": "Decision within 4 weeks of the meeting",
    "decision_over_4_weeks": "Decision after more than 4 weeks",
    "decision_awaited": "Decision awaited",
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
    return page(request, "compliance.html.j2", rows=rows, period=report.period)


@router.get("/manage/compliance.{fmt}")
def compliance_download(request: Request, fmt: str) -> Response:
    _manager(request)
    portal = portal_of(request)
    with session_scope(portal.factory) as session:
        report = compliance_report(session, _year_period(portal.today()))
    if fmt == "csv":
        return Response(compliance_csv(report), media_type="text/csv; charset=utf-8")
    return HTMLResponse(compliance_html(report))


@router.get("/manage/sen2", response_class=HTMLResponse)
def sen2(request: Request, year: int | None = None) -> Response:
    _manager(request)
    portal = portal_of(request)
    today = portal.today()
    chosen = year if year is not None and 2014 <= year <= today.year else today.year - 1
    with session_scope(portal.factory) as session:
        measures = sen2_measures(session, chosen, today)
    values = asdict(measures)
    rows = [(label, values[name]) for name, label in SEN2_LABELS.items()]
    return page(request, "sen2.html.j2", rows=rows, year=chosen, census_on=today, csv=measures_csv(measures))


@router.get("/manage/termly", response_class=HTMLResponse)
def termly(request: Request, term: str | None = None) -> Response:
    _manager(request)
    portal = portal_of(request)
    dates = load_terms(get_settings().term_dates_file)
    chosen = term_by_id(dates.terms, term) if term else term_covering(dates.terms, portal.today())
    chosen = chosen or dates.terms[0]
    with session_scope(portal.factory) as session:
        lists = termly_list(session, chosen)
    return page(request, "termly.html.j2", lists=lists, term=chosen, terms=dates.terms, verified=dates.verified)
