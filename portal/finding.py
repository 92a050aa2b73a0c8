"""Finding a review: the lists' GET search form read and checked, and the lines shown as rows and cards.

The door only translates: the search itself is ``records.review_search.find_reviews``, scoped by
``portal.scope.urns_in_scope``. What was typed travels only in the person's own request's query string;
this module never logs it, and ``portal.access_log`` keeps it out of the server's access log.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from portal.scope import Principal, urns_in_scope
from portal.timeline import days_text, stage_label
from records.review_search import MAX_WORD_LENGTH, MAX_WORDS, Due, FoundReview, FoundReviews, ReviewSearch, find_reviews
from records.settings import get_settings
from reports.terms import load_terms, term_covering
from rules.errors import Problem
from rules.labels import LABELS

MAX_QUERY_LENGTH: Final = MAX_WORDS * (MAX_WORD_LENGTH + 1)
DUE_CHOICES: Final = (("", "Any time"), (Due.OVERDUE.value, "Overdue"), (Due.THIS_TERM.value, "Due this term"),
                      (Due.LATER.value, "Later"))  # fmt: skip
STAGE_CHOICES: Final = (("", "Any stage"), *((str(n), stage_label(n)) for n in range(1, 6)))
YEAR_NAMES: Final = {"N1": "Nursery 1", "N2": "Nursery 2", "R": "Reception"}


@dataclass(frozen=True, slots=True)
class SearchForm:
    """What the person asked for (the form's values, shown again) and what was wrong with it."""

    q: str = ""
    stage: str = ""
    due: str = ""
    page: int = 1
    problems: list[Problem] = field(default_factory=list)

    @property
    def searched(self) -> bool:
        return bool(self.q or self.stage or self.due)

    def link(self, page: int) -> str:
        """The query string of another page of the same search (for the person's own browser only)."""
        values = {k: v for k, v in (("q", self.q), ("stage", self.stage), ("due", self.due)) if v}
        return "?" + urlencode({**values, "page": page})


def read_search(params: Mapping[str, str]) -> SearchForm:
    """Read the lists' search form; a bad value is named with its fix and left out of the search."""
    problems: list[Problem] = []
    q = " ".join("".join(ch for ch in params.get("q", "") if ch.isprintable() or ch.isspace()).split())
    if len(q) > MAX_QUERY_LENGTH:
        problems.append(Problem("q", f"Search words must be {MAX_QUERY_LENGTH} characters or fewer"))
        q = ""
    stage = params.get("stage", "").strip()
    if stage not in {value for value, _ in STAGE_CHOICES}:
        problems.append(Problem("stage", "Stage must be one of the stages listed (1 to 5), or any stage"))
        stage = ""
    due = params.get("due", "").strip()
    if due not in {value for value, _ in DUE_CHOICES}:
        problems.append(Problem("due", "Due must be overdue, due this term, later or any time"))
        due = ""
    raw_page = params.get("page", "1").strip() or "1"
    page = int(raw_page) if raw_page.isdigit() and 0 < len(raw_page) < 7 and int(raw_page) > 0 else 0
    if page == 0:
        problems.append(Problem("page", "Page must be a whole number, 1 or more"))
        page = 1
    return SearchForm(q, stage, due, page, problems)


def term_ends_on(today: date) -> date:
    """The last day of the current term's window (today when no term covers it)."""
    term = term_covering(load_terms(get_settings().term_dates_file).terms, today)
    return term.window_ends_on if term else today


def find(session: Session, principal: Principal, form: SearchForm, today: date, *, council_queue: bool = False,
         per_page: int | None = 50) -> FoundReviews:  # fmt: skip
    """The reviews the person may see that match the form, one page of them."""
    wanted = ReviewSearch(
        today=today, term_ends_on=term_ends_on(today), setting_urns=urns_in_scope(principal), words=form.q,
        stage=int(form.stage) if form.stage else None, due=Due(form.due) if form.due else None,
        council_queue=council_queue, page=form.page, per_page=per_page,
    )
    return find_reviews(session, wanted)


def year_text(year_group: str | None) -> str:
    """A stored year group as people say it: ``4`` -> ``Year 4``, ``R`` -> ``Reception``."""
    if not year_group:
        return "Not known"
    value = year_group.strip().upper()
    if value in YEAR_NAMES:
        return YEAR_NAMES[value]
    digits = "".join(ch for ch in value if ch.isdigit())
    return f"Year {int(digits)}" if digits else value


def child_name(given: str, family: str) -> str:
    return f"{given} {family}".strip()


def row(line: FoundReview, today: date, term_end: date) -> dict[str, Any]:
    """One review as a list's row (and a phone's summary card) shows it."""
    due = line.next_due_on
    days = (due - today).days if due else None
    group = Due.LATER if due is None or due > term_end else Due.OVERDUE if due < today else Due.THIS_TERM
    return {
        "reference": line.reference,
        "child": child_name(line.given_name, line.family_name),
        "born_on": line.date_of_birth,
        "year": year_text(line.year_group),
        "setting": line.setting_name,
        "stage": stage_label(line.stage),
        "deadline": LABELS.get(line.next_deadline_key or "", line.next_deadline_key or ""),
        "due_on": due,
        "owner": {"setting": "The setting", "la": "The council"}.get(line.next_owner or "", "Nobody"),
        "days": days_text(days),
        "overdue": days is not None and days < 0,
        "group": group.value,
    }


def grouped(found: FoundReviews, today: date) -> list[dict[str, Any]]:
    """The page's rows in the lists' three groups (overdue, due this term, later), each with its whole count."""
    term_end = term_ends_on(today)
    rows = [row(line, today, term_end) for line in found.lines]
    titles = {Due.OVERDUE: "Overdue", Due.THIS_TERM: "Due this term", Due.LATER: "Later"}
    return [{"title": title, "key": due.value, "count": found.counts.get(due, 0),
             "rows": [r for r in rows if r["group"] == due.value]} for due, title in titles.items()]  # fmt: skip
