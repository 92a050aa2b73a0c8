"""The managers' pages: the compliance report with its charts, the backlog, the SEN2 figures and the termly list.

Each reads the records with the report modules the CLI uses (``reports/``); nothing is recounted here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Final

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from portal.finding import child_name, year_text
from portal.web import NotAllowed, page, portal_of, signed_in
from records.review_search import children_of
from records.session import session_scope
from records.settings import get_settings
from reports.backlog import (
    BAND_BY_KEY,
    BANDS,
    NO_STAGE,
    Backlog,
    BacklogFilter,
    Band,
    backlog,
    backlog_csv,
    backlog_reviews,
    next_step,
)
from reports.backlog import stage_label as backlog_stage_label
from reports.charts import month_table, rate_bars, share
from reports.compliance import Period, compliance_report
from reports.csv_safety import csv_text
from reports.rendering import compliance_csv, compliance_html, line_values
from reports.sen2 import sen2_census
from reports.sen2_census import latest_measures_year, measures_census_day
from reports.sen2_measures import measures_for
from reports.termly import termly_list
from reports.terms import load_terms, term_by_id, term_covering

router = APIRouter(include_in_schema=False)
LIST_LIMIT: Final = 500
"""The backlog list page shows at most this many reviews; the CSV download has them all."""
URN: Final = re.compile(r"[A-Za-z0-9]{1,12}")
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
    today = portal.today()
    with session_scope(portal.factory) as session:
        report = compliance_report(session, _year_period(today))
        figures = backlog(session, today)
    rows = [line_values(line) for line in report.by_stage]
    imported = [line_values(line) for line in report.imported]
    return page(request, "compliance.html.j2", rows=rows, imported=imported, period=report.period,
                bars=rate_bars(report.by_stage), grid=month_table(report.by_stage, report.by_month),
                backlog=figures, bands=_band_bars(figures))


@router.get("/manage/compliance.{fmt}")
def compliance_download(request: Request, fmt: str) -> Response:
    _manager(request)
    portal = portal_of(request)
    today = portal.today()
    with session_scope(portal.factory) as session:
        report = compliance_report(session, _year_period(today))
    if fmt == "csv":
        return Response(compliance_csv(report), media_type="text/csv; charset=utf-8",
                        headers=_attachment(f"compliance-{today.isoformat()}.csv"))
    return HTMLResponse(compliance_html(report), headers=_attachment(f"compliance-{today.isoformat()}.html"))


def _band_bars(figures: Backlog) -> list[tuple[Band, int, int]]:
    """Return each band of months overdue with its count and its bar's length (the longest is 100)."""
    most = max(figures.by_band, default=0)
    return [(band, count, share(count, most)) for band, count in zip(BANDS, figures.by_band, strict=True)]


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


class BadFilter(Exception):
    """A backlog filter in the address that is not one the page offers."""

    def __init__(self, field: str, fix: str) -> None:
        super().__init__(f"{field}: {fix}")
        self.field = field
        self.fix = fix


def _filter(setting: str | None, stage: str | None, months: str | None) -> BacklogFilter:
    """Return the backlog filter the address asks for, or raise BadFilter naming the field and the fix."""
    if setting is not None and not URN.fullmatch(setting):
        raise BadFilter("Setting", "give the setting's URN, letters and digits only, like 900002")
    if stage is not None and stage not in {str(number) for number in range(NO_STAGE, 6)}:
        raise BadFilter("Stage", "give a stage from 1 to 5, or 0 for reviews in no stage")
    if months is not None and months not in BAND_BY_KEY:
        raise BadFilter("Months overdue", f"choose one of {', '.join(BAND_BY_KEY)}")
    return BacklogFilter(setting.upper() if setting else None, None if stage is None else int(stage), months)


def _refused(request: Request, problem: BadFilter) -> Response:
    return page(request, "error.html.j2", 400, title="Check the backlog filter",
                message=f"{problem.field}: {problem.fix}. Go back to the backlog and choose a count.")


def _described(chosen: BacklogFilter) -> list[str]:
    found = []
    if chosen.setting_urn is not None:
        found.append(f"setting URN {chosen.setting_urn}")
    if chosen.stage is not None:
        found.append(backlog_stage_label(chosen.stage))
    if chosen.band is not None:
        found.append(f"{BAND_BY_KEY[chosen.band].label.lower()} overdue")
    return found


@router.get("/manage/backlog", response_class=HTMLResponse)
def backlog_page(request: Request) -> Response:
    _manager(request)
    portal = portal_of(request)
    with session_scope(portal.factory) as session:
        figures = backlog(session, portal.today())
    return page(request, "backlog.html.j2", backlog=figures, bands=_band_bars(figures), band_list=BANDS)


def _backlog_answer(
    request: Request, setting: str | None, stage: str | None, months: str | None,
    answer: Callable[[Session, date, BacklogFilter], Response],
) -> Response:
    """A manager's backlog page or file for the filter the address asks for (a bad one is a 400 naming it)."""
    _manager(request)
    try:
        chosen = _filter(setting, stage, months)
    except BadFilter as problem:
        return _refused(request, problem)
    portal = portal_of(request)
    with session_scope(portal.factory) as session:
        return answer(session, portal.today(), chosen)


@router.get("/manage/backlog/reviews", response_class=HTMLResponse)
def backlog_list(request: Request, setting: str | None = None, stage: str | None = None,
                 months: str | None = None) -> Response:
    def listed(session: Session, today: date, chosen: BacklogFilter) -> Response:
        reviews = backlog_reviews(session, today, chosen, limit=LIST_LIMIT + 1)
        children = children_of(session, [r.reference for r in reviews[:LIST_LIMIT]])
        query = {name: value for name, value in (("setting", chosen.setting_urn), ("stage", chosen.stage),
                                                 ("months", chosen.band)) if value is not None}
        return page(request, "backlog_list.html.j2", reviews=reviews[:LIST_LIMIT], more=len(reviews) > LIST_LIMIT,
                    limit=LIST_LIMIT, described=_described(chosen), query=query, as_of=today,
                    stage_label=backlog_stage_label, next_step=next_step, children=children, child_name=child_name)

    return _backlog_answer(request, setting, stage, months, listed)


@router.get("/manage/backlog.csv")
def backlog_download(request: Request, setting: str | None = None, stage: str | None = None,
                     months: str | None = None) -> Response:
    def download(session: Session, today: date, chosen: BacklogFilter) -> Response:
        return Response(backlog_csv(backlog_reviews(session, today, chosen)), media_type="text/csv; charset=utf-8",
                        headers=_attachment(f"backlog-{today.isoformat()}.csv"))

    return _backlog_answer(request, setting, stage, months, download)


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
