"""The managers' pages for the returns beside SEN2 (issue 23 item 6), each with its CSV download.

Each page reads the records with the report module its ``ehcp report`` command uses (``reports/``); nothing is
recounted here. Every page and every CSV is for the manager roles only (the annex A list holds dates of birth and
the chronology the addresses messages went to); CSV cells are escaped (``reports.csv_safety``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from portal.web import NotAllowed, page, portal_of, signed_in
from records.review_progress import UnknownReview
from records.session import session_scope
from reports.annex_a import ANNEX_A_COLUMNS, annex_a_csv, annex_a_rows, people_of
from reports.chronology import CHRONOLOGY_COLUMNS, chronology, chronology_csv
from reports.foi import FOI_COLUMNS, foi_csv, foi_from_records
from reports.sen2 import sen2_census
from reports.sen2_breakdowns import BREAKDOWN_MEASURES, TOPICS, BreakdownRow, breakdown_csv, breakdowns
from reports.sen2_census import latest_measures_year, measures_census_day
from rules.errors import Problem
from rules.facts_input import parse_date

router = APIRouter(include_in_schema=False)
SHOWN: Final = 200  # rows on a page; the CSV has them all
FIRST_YEAR: Final = 2014


@dataclass(frozen=True, slots=True)
class Field:
    """A query-string field of a return's page."""

    name: str
    label: str
    value: str
    width: int = 10
    hint: str = ""


def _manager(request: Request) -> None:
    if not signed_in(request).is_manager:
        raise NotAllowed


def _csv(text: str, name: str) -> Response:
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


def _table(
    request: Request, title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], **values: Any
) -> Response:
    values.setdefault("problems", [])
    status = 400 if values["problems"] else 200
    return page(request, "return_table.html.j2", status, title=title, columns=columns, rows=list(rows)[:SHOWN],
                total=len(rows), **{"intro": [], "warnings": [], "fields": [], "csv_href": "", "personal": False,
                                    **values})


@router.get("/manage/returns", response_class=HTMLResponse)
def returns_home(request: Request) -> Response:
    _manager(request)
    return page(request, "returns.html.j2")


ANNEX_A_INTRO: Final = (
    "List 1 of the area SEND inspection's annex A: every child or young person with an EHC plan in force today. "
    "These are the columns the engine holds, named and dated (day first) as the Data to Insight annex A validator "
    "reads them; the others (UPN, need, exclusions, absence, social care) come from the case-management system, "
    "joined on Unique ID.",
    "Date updated EHC plan issued is the latest final amended plan; Date EHC plan last reviewed is the latest "
    "review decision. The phase is the setting's phase as the engine holds it.",
)


def _annex_a(request: Request) -> tuple[date, list[Any]]:
    _manager(request)
    portal = portal_of(request)
    today = portal.today()
    with session_scope(portal.factory) as session:
        return today, annex_a_rows(session, today)


@router.get("/manage/returns/annex-a", response_class=HTMLResponse)
def annex_a_page(request: Request) -> Response:
    today, rows = _annex_a(request)
    return _table(request, "Area SEND inspection: annex A list 1", ANNEX_A_COLUMNS, [row.cells() for row in rows],
                  intro=ANNEX_A_INTRO, csv_href="/manage/returns/annex-a.csv", personal=True)


@router.get("/manage/returns/annex-a.csv")
def annex_a_download(request: Request) -> Response:
    today, rows = _annex_a(request)
    return _csv(annex_a_csv(rows), f"annex-a-list-1-{today}")


CHRONOLOGY_INTRO: Final = (
    "Everything the records hold about one plan, across every review cycle, oldest first: each date recorded, "
    "each deadline with who owed it and how it stands today, each reminder and escalation, each letter or email "
    "with the role it went to and where, and who recorded what (the audit log).",
    "Enter any review reference of the plan, for example AR-2026-00123.",
)


def _chronology(request: Request, reference: str) -> tuple[list[Any], list[Problem]]:
    _manager(request)
    portal = portal_of(request)
    if not reference:
        return [], []
    try:
        with session_scope(portal.factory) as session:
            return chronology(session, reference.strip().upper(), portal.today()), []
    except UnknownReview:
        return [], [Problem("reference", "There is no review with this reference")]


@router.get("/manage/returns/chronology", response_class=HTMLResponse)
def chronology_page(request: Request, reference: str = "") -> Response:
    entries, problems = _chronology(request, reference)
    href = f"/manage/returns/chronology.csv?reference={reference.strip().upper()}" if entries else ""
    return _table(request, "A review's chronology for an Ombudsman enquiry",
                  CHRONOLOGY_COLUMNS if reference else (), [entry.cells() for entry in entries],
                  intro=CHRONOLOGY_INTRO, fields=[Field("reference", "Review reference", reference, 20)],
                  problems=problems, csv_href=href, personal=True)


@router.get("/manage/returns/chronology.csv")
def chronology_download(request: Request, reference: str = "") -> Response:
    entries, problems = _chronology(request, reference)
    if problems or not reference:
        return Response("no such review", status_code=404, media_type="text/plain")
    return _csv(chronology_csv(entries), f"chronology-{reference.strip().upper()}")


FOI_INTRO: Final = (
    "Figures councils are asked for under the Freedom of Information Act: how long from the review meeting to the "
    "decision, the share of decisions within 4 weeks, and how many reviews are still waiting for a decision 6, "
    "12 and 24 months after their meeting. Decisions come from the reviews the engine holds and the previous "
    "reviews imported with the caseload.",
)


def _foi_period(today: date, start: str, end: str) -> tuple[date, date, list[Problem]]:
    problems, found = [], {}
    a_year_before = today.replace(year=today.year - 1) if (today.month, today.day) != (2, 29) else date(
        today.year - 1, 2, 28)
    for name, text, default in (("from", start, a_year_before), ("to", end, today)):
        try:
            found[name] = parse_date(text) if text else default
        except ValueError as exc:
            problems.append(Problem(name, str(exc)))
            found[name] = default
    return found["from"], found["to"], problems


def _foi(request: Request, start: str, end: str) -> tuple[Any, list[Problem]]:
    _manager(request)
    portal = portal_of(request)
    today = portal.today()
    from_on, to_on, problems = _foi_period(today, start, end)
    with session_scope(portal.factory) as session:
        return foi_from_records(session, from_on, to_on, today), problems


@router.get("/manage/returns/foi", response_class=HTMLResponse)
def foi_page(request: Request, start: str = "", end: str = "") -> Response:
    figures, problems = _foi(request, start, end)
    fields = [Field("start", "From (YYYY-MM-DD)", start or str(figures.from_on)),
              Field("end", "To (YYYY-MM-DD)", end or str(figures.to_on))]
    problems = [Problem({"from": "start", "to": "end"}[p.field], p.message) for p in problems]
    return _table(request, "Freedom of Information figures", FOI_COLUMNS, figures.rows(), intro=FOI_INTRO,
                  fields=fields, problems=problems, csv_href=f"/manage/returns/foi.csv?start={figures.from_on}"
                                                            f"&end={figures.to_on}")


@router.get("/manage/returns/foi.csv")
def foi_download(request: Request, start: str = "", end: str = "") -> Response:
    figures, problems = _foi(request, start, end)
    if problems:  # a malformed date is refused, not answered with another period's figures
        named = "; ".join(f"{ {'from': 'start', 'to': 'end'}[p.field]}: {p.message}" for p in problems)
        raise HTTPException(400, f"Check the dates of the download. {named}")
    return _csv(foi_csv(figures), f"foi-{figures.from_on}-to-{figures.to_on}")


BREAKDOWN_INTRO: Final = (
    "DfE's annual-review figures for the year, broken down as DfE publishes them: by age at 31 August, by the "
    "years the plan has been in place, and by the phase of the setting the plan names (the engine's own grouping: "
    "DfE's placement types are not held).",
)


def _breakdowns(request: Request, year: int | None) -> tuple[int, list[BreakdownRow], list[str]]:
    _manager(request)
    portal = portal_of(request)
    today = portal.today()
    latest = latest_measures_year(today)
    chosen = year if year is not None and FIRST_YEAR <= year <= latest + 1 else latest
    census_on = measures_census_day(chosen)
    with session_scope(portal.factory) as session:
        census = sen2_census(session, census_on, today)
        people = people_of(session)
    rows = [row for topic in TOPICS for row in breakdowns(census.items, people, chosen, census_on, topic)]
    return chosen, rows, census.completeness.warnings()


@router.get("/manage/returns/breakdowns", response_class=HTMLResponse)
def breakdowns_page(request: Request, year: int | None = None) -> Response:
    chosen, rows, warnings = _breakdowns(request, year)
    return _table(request, f"SEN2 figures for {chosen} by age, years in place and setting",
                  ("Breakdown", "Group", *BREAKDOWN_MEASURES), [row.cells() for row in rows], intro=BREAKDOWN_INTRO,
                  warnings=warnings, fields=[Field("year", "Calendar year", str(chosen), 4)],
                  csv_href=f"/manage/returns/breakdowns.csv?year={chosen}")


@router.get("/manage/returns/breakdowns.csv")
def breakdowns_download(request: Request, year: int | None = None) -> Response:
    chosen, rows, _ = _breakdowns(request, year)
    return _csv(breakdown_csv(rows), f"sen2-breakdowns-{chosen}")
