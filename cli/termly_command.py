"""``ehcp termly-list --term autumn-2026``: per setting, the reviews falling due in a term, with their flags."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from cli.deadlines_command import TABLE_WIDTH
from cli.errors import fail
from cli.records_access import current_settings, open_records
from cli.report_options import setting_id_option
from records.session import session_scope
from records.settings import Settings
from reports.termly import SettingList, termly_list
from reports.terms import Term, TermDates, TermsFileError, load_terms, term_by_id
from rules.errors import Problem


def terms_from(settings: Settings) -> TermDates:
    """Return the authority's term dates (``EHCP_TERM_DATES_FILE``, else the packaged Norfolk file)."""
    try:
        return load_terms(settings.term_dates_file)
    except TermsFileError as exc:
        raise fail("bad term dates file (EHCP_TERM_DATES_FILE)", [Problem("EHCP_TERM_DATES_FILE", str(exc))]) from None


def chosen_term(dates: TermDates, term_id: str) -> Term:
    """Return the term named by ``--term``, or exit 2 listing the known ones."""
    term = term_by_id(dates.terms, term_id)
    if term is None:
        known = ", ".join(t.id for t in dates.terms)
        raise fail("bad option", [Problem("--term", f"no term {term_id!r} in the term dates; known: {known}")])
    return term


def as_json(term: Term, dates: TermDates, lists: list[SettingList]) -> dict[str, Any]:
    """Return the lists as JSON-ready data."""
    return {
        "term": term.id,
        "starts_on": term.starts_on.isoformat(),
        "ends_on": term.ends_on.isoformat(),
        "window_ends_on": term.window_ends_on.isoformat(),
        "term_dates_verified": dates.verified,
        "settings": [
            {
                "setting_urn": found.setting_urn,
                "setting_name": found.setting_name,
                "reviews": [
                    {
                        "reference": item.reference,
                        "child_ref": item.child_ref,
                        "year_group": item.year_group,
                        "stage": item.stage,
                        "meeting_due_on": item.meeting_due_on.isoformat(),
                        "meeting_by_on": (item.meeting_by_on or item.meeting_due_on).isoformat(),
                        "meeting_held_on": item.meeting_held_on.isoformat() if item.meeting_held_on else None,
                        "review_due_on": item.review_due_on.isoformat() if item.review_due_on else None,
                        "phase_transfer": item.is_phase_transfer,
                        "year_9_plus": item.is_year_9_plus,
                    }
                    for item in found.items
                ],
            }
            for found in lists
        ],
    }


def render(term: Term, dates: TermDates, lists: list[SettingList], console: Console) -> None:
    """Print one table per setting."""
    console.print(f"Reviews falling due in {term.id} (meeting due {term.starts_on} to {term.window_ends_on})"
                  + ("" if dates.verified else "; term dates illustrative, not verified"))
    for found in lists:
        table = Table(title=f"{found.setting_urn} {found.setting_name} ({len(found.items)})", title_justify="left")
        for column in ("Reference", "Child ref", "Year", "Stage", "Meeting by", "Review due", "Flags"):
            table.add_column(column)
        for item in found.items:
            flags = ", ".join(name for name, on in (("phase transfer", item.is_phase_transfer),
                                                    ("Year 9+", item.is_year_9_plus)) if on)
            meeting = f"held {item.meeting_held_on}" if item.meeting_held_on else (
                item.meeting_by_on or item.meeting_due_on).isoformat()
            table.add_row(item.reference, item.child_ref, item.year_group or "-", str(item.stage), meeting,
                          item.review_due_on.isoformat() if item.review_due_on else "-", flags)
        console.print(table)
    if not lists:
        console.print("No reviews fall due in this term.")


def termly_list_command(
    term_id: Annotated[str, typer.Option("--term", help="Term name, e.g. autumn-2026 (see the term dates file).")],
    setting: Annotated[str | None, typer.Option("--setting", help="Only this setting's URN.")] = None,
    as_json_flag: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """List per setting the reviews whose meeting falls due in a term, flagging phase transfers and Year 9+."""
    settings = current_settings()
    dates = terms_from(settings)
    term = chosen_term(dates, term_id)
    with session_scope(open_records(settings)) as session:
        lists = termly_list(session, term, setting_id=setting_id_option(session, setting))
    if as_json_flag:
        typer.echo(json.dumps(as_json(term, dates, lists), indent=2))
    else:
        render(term, dates, lists, Console(highlight=False, width=TABLE_WIDTH if not sys.stdout.isatty() else None))
