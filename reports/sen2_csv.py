"""The SEN2 CSV files: each opens with a ``#`` comment block stating the definitions used."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date

from reports import sen2
from reports.sen2 import Sen2Item, Sen2Measures

ITEM_COLUMNS = ("child_ref", "ReviewMeeting", "ReviewOutcome", "LastReview")


def definitions() -> list[str]:
    """Return the interpretations of STATUTORY.md section 7 used, as comment lines."""
    text = (sen2.__doc__ or "").split("Interpretations (also printed with the CSV, and in README \"Reports\"):", 1)[-1]
    plain = re.sub(r"\*(\w[^*]*)\*", r"\1", text.replace("``", ""))
    return [f"# {line.strip()}".rstrip() for line in plain.strip().splitlines()]


def _iso(day: date | None) -> str:
    return day.isoformat() if day is not None else ""


def items_csv(items: Sequence[Sen2Item], census_on: date) -> str:
    """Return the person-level items as CSV, one row per reported plan (no names, no dates of birth)."""
    out = io.StringIO()
    out.write(f"# SEN2 annual-review items per plan at census date {census_on.isoformat()} ({len(items)} plans)\n")
    out.write("\n".join(definitions()) + "\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ITEM_COLUMNS)
    for item in items:
        writer.writerow((item.child_ref, _iso(item.review_meeting), item.review_outcome, _iso(item.last_review)))
    return out.getvalue()


def measures_csv(measures: Sen2Measures) -> str:
    """Return the calendar-year measures as ``measure,value`` rows."""
    out = io.StringIO()
    out.write(f"# SEN2 annual-review measures for calendar year {measures.year}, "
              f"as recorded on census date {measures.census_on.isoformat()}\n")
    out.write("\n".join(definitions()) + "\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("measure", "value"))
    for name, value in asdict(measures).items():
        writer.writerow((name, value.isoformat() if isinstance(value, date) else value))
    return out.getvalue()
