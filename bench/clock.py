"""Benchmark: the statutory clock's selection and recording over 100,000 open reviews (goal: under 2 s).

Loads a synthetic caseload (``records.demo``) into SQLite, and into PostgreSQL when
EHCP_BENCH_POSTGRES_URL or EHCP_TEST_POSTGRES_URL is set. The first clock pass for the day before
records the whole backlog (a catch-up after a long outage, also timed); the measured pass is the
next day's, which finds about 1-2% of reviews with a ladder step falling due. Each pass is one
transaction of ``records.clock_events.record_due_events``: the indexed selection, the ladder from
``rules/`` and the ON CONFLICT DO NOTHING inserts. Prints figures; asserts nothing.

Waking the reviews (one Prefect resume each) is not part of this figure: see bench/flow.py for the
cost of a resume, and multiply by the reviews woken that this prints.

    python bench/clock.py [PLANS]
"""

from __future__ import annotations

import sys
import time
from datetime import date, timedelta

from bench_databases import backends, fresh_database
from sqlalchemy import func, select, text

from records.clock_events import record_due_events
from records.demo.caseload import demo_caseload
from records.importing.caseload_import import CaseloadContext, import_caseload_rows
from records.importing.settings_import import import_setting_values
from records.importing.settings_rows import setting_values
from records.models import DeadlineRecord, Review
from records.session import session_scope
from rules.bank_holidays import england_and_wales_working_days
from rules.ladder import DEFAULT_LADDER
from rules.rule_set import ENGLAND_2014

AS_OF = date(2026, 3, 2)
GOAL_SECONDS = 2.0


def main(plans: int) -> None:
    demo = demo_caseload(plans, seed=3, today=AS_OF)
    working_days = england_and_wales_working_days()
    context = CaseloadContext(ENGLAND_2014, working_days, "bench")
    for backend in backends():
        with fresh_database(backend) as (_, factory):
            start = time.perf_counter()
            import_setting_values(factory, setting_values(demo.settings), actor="bench")
            import_caseload_rows(factory, demo.caseload, context)
            with session_scope(factory) as session:
                session.execute(text("ANALYZE"))
                open_reviews = session.scalar(select(func.count()).select_from(Review).where(Review.stage.is_not(None)))
                open_deadlines = session.scalar(
                    select(func.count()).select_from(DeadlineRecord).where(DeadlineRecord.is_open)
                )
            print(
                f"{backend:10} loaded {plans:,} plans ({open_reviews:,} open reviews, {open_deadlines:,} open "
                f"deadlines) in {time.perf_counter() - start:.1f} s"
            )
            for label, day in (("catch-up (whole backlog)", AS_OF - timedelta(days=1)), ("next day", AS_OF)):
                start = time.perf_counter()
                with session_scope(factory) as session:
                    recorded = record_due_events(session, day, DEFAULT_LADDER, working_days)
                elapsed = time.perf_counter() - start
                with session_scope(factory) as session:  # the review runs acted on what was recorded
                    session.execute(text("UPDATE clock_events SET status = 'fired'"))
                share = 100 * len(recorded.reviews_with_pending) / max(open_reviews or 1, 1)
                print(
                    f"{backend:10} {label:26} {elapsed:6.2f} s: {recorded.new_events:,} events, "
                    f"{recorded.new_escalations:,} escalations; reviews to wake {len(recorded.reviews_with_pending):,} "
                    f"({share:.1f}% of open reviews)"
                )
            verdict = "within" if elapsed < GOAL_SECONDS else "OVER"
            print(
                f"{backend:10} selection and recording for a day: {elapsed:.2f} s "
                f"({verdict} the {GOAL_SECONDS:.0f} s goal)"
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
