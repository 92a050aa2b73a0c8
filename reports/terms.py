"""School term dates as data, and which terms need their lists sent (STATUTORY.md section 2, CoP 9.172).

A terms file is TOML: ``authority``, ``verified`` (false for illustrative dates), ``note``, and one
``[[terms]]`` table per term with ``season`` (autumn, spring, summer), ``starts_on`` and ``ends_on``
(TOML dates). A term is named ``<season>-<year it starts>``, e.g. ``autumn-2026``, ``spring-2027``.

A term's *list window* runs from its first day to the day before the next term in the file starts,
so a review falling due in a holiday is on the list of the term before it (the setting must act
before the break). The last term in the file covers only its own dates.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Final

__all__ = [
    "LIST_LEAD_DAYS",
    "MINIMUM_NOTICE_DAYS",
    "SEASONS",
    "Term",
    "TermDates",
    "TermsFileError",
    "default_terms_file",
    "load_terms",
    "term_by_id",
    "term_covering",
    "terms_needing_lists",
]

SEASONS: Final = ("autumn", "spring", "summer")
MINIMUM_NOTICE_DAYS: Final = 14
"""CoP 9.172: the list goes to settings at least 2 weeks before the term starts."""
LIST_LEAD_DAYS: Final = 28
"""Default: a term's lists are due to go out from 4 weeks before it starts (never fewer than 14 days)."""


class TermsFileError(ValueError):
    """The term dates file is missing, unreadable or malformed; the message names the file and the fault."""


@dataclass(frozen=True, slots=True)
class Term:
    """One school term and the window of due dates its termly list covers."""

    season: str
    starts_on: date
    ends_on: date
    window_ends_on: date

    @property
    def id(self) -> str:
        """Return the term's name, e.g. ``autumn-2026``."""
        return f"{self.season}-{self.starts_on.year}"


@dataclass(frozen=True, slots=True)
class TermDates:
    """An authority's terms, in date order, and whether the dates were checked against its published calendar."""

    authority: str
    verified: bool
    note: str
    terms: tuple[Term, ...]


def default_terms_file() -> Path:
    """Return the packaged Norfolk term dates file."""
    return Path(__file__).parent / "terms" / "norfolk.toml"


def _term_row(path: Path, number: int, row: Any) -> tuple[str, date, date]:
    if not isinstance(row, dict):
        raise TermsFileError(f"{path}: terms[{number}] is not a table")
    season, starts_on, ends_on = row.get("season"), row.get("starts_on"), row.get("ends_on")
    if season not in SEASONS:
        raise TermsFileError(f"{path}: terms[{number}].season must be one of {', '.join(SEASONS)}")
    if not isinstance(starts_on, date) or not isinstance(ends_on, date) or ends_on < starts_on:
        raise TermsFileError(f"{path}: terms[{number}] needs dates starts_on <= ends_on (TOML dates, YYYY-MM-DD)")
    return season, starts_on, ends_on


def _with_windows(rows: Sequence[tuple[str, date, date]], path: Path) -> tuple[Term, ...]:
    ordered = sorted(rows, key=lambda row: row[1])
    terms = []
    for index, (season, starts_on, ends_on) in enumerate(ordered):
        following = ordered[index + 1][1] if index + 1 < len(ordered) else None
        if following is not None and following <= ends_on:
            raise TermsFileError(f"{path}: {season}-{starts_on.year} overlaps the term after it")
        window_ends_on = following - timedelta(days=1) if following is not None else ends_on
        terms.append(Term(season, starts_on, ends_on, window_ends_on))
    return tuple(terms)


def load_terms(path: Path | None = None) -> TermDates:
    """Return the terms in a TOML file (default: the packaged Norfolk file), checked and in date order."""
    path = path or default_terms_file()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TermsFileError(f"{path}: cannot read term dates ({exc})") from None
    rows = data.get("terms")
    if not isinstance(rows, list) or not rows:
        raise TermsFileError(f"{path}: no [[terms]] tables")
    terms = _with_windows([_term_row(path, n, row) for n, row in enumerate(rows)], path)
    if len({term.id for term in terms}) != len(terms):
        raise TermsFileError(f"{path}: two terms share a name (one season per calendar year)")
    authority, note = str(data.get("authority", "")), str(data.get("note", ""))
    return TermDates(authority, bool(data.get("verified", False)), note, terms)


def term_by_id(terms: Sequence[Term], term_id: str) -> Term | None:
    """Return the term named ``term_id`` (case-insensitive), or None."""
    wanted = term_id.strip().lower()
    return next((term for term in terms if term.id == wanted), None)


def term_covering(terms: Sequence[Term], day: date) -> Term | None:
    """Return the term whose list window contains ``day`` (a holiday belongs to the term before it)."""
    return next((term for term in terms if term.starts_on <= day <= term.window_ends_on), None)


def terms_needing_lists(terms: Sequence[Term], today: date, lead_days: int = LIST_LEAD_DAYS) -> list[Term]:
    """Return the terms not yet started that start within ``lead_days`` of ``today`` (lists due to go out).

    ``lead_days`` below 14 is refused: the lists must reach settings at least 2 weeks ahead.
    A term that has started is never returned, so its lists are never sent late.
    """
    if lead_days < MINIMUM_NOTICE_DAYS:
        raise ValueError(f"lead_days must be at least {MINIMUM_NOTICE_DAYS} (CoP 9.172), not {lead_days}")
    return [term for term in terms if 0 < (term.starts_on - today).days <= lead_days]
