"""Benchmark: list overdue reviews from a 100,000-plan caseload (goal: under 1 s; an indexed query).

Run: python bench/reviews.py [PLANS]. Loading the caseload takes a while; the figure that matters
is the listing. The query plan is printed to show the index in use.
"""

from __future__ import annotations

import sys
import time
from datetime import date

from bench_databases import backends, fresh_database, load_demo
from sqlalchemy import text

from records.queries import ReviewFilter, review_lines
from records.session import session_scope

AS_OF = date(2026, 3, 2)
GOAL_SECONDS = 1.0
EXPLAIN = {
    "sqlite": "EXPLAIN QUERY PLAN SELECT id FROM reviews WHERE next_due_on < :d ORDER BY next_due_on",
    "postgresql": "EXPLAIN SELECT id FROM reviews WHERE next_due_on < :d ORDER BY next_due_on",
}


def main(plans: int) -> None:
    for backend in backends():
        with fresh_database(backend) as (_, factory):
            load_demo(factory, plans, AS_OF, backend)
            with session_scope(factory) as session:
                session.execute(text("ANALYZE"))
            timings = []
            for _ in range(3):
                start = time.perf_counter()
                with session_scope(factory) as session:
                    lines = review_lines(session, ReviewFilter(overdue_on=AS_OF))
                timings.append(time.perf_counter() - start)
            with session_scope(factory) as session:
                plan = [" ".join(str(c) for c in row) for row in session.execute(text(EXPLAIN[backend]), {"d": AS_OF})]
        best = min(timings)
        verdict = "within" if best < GOAL_SECONDS else "OVER"
        print(
            f"{backend:10} overdue listing: {len(lines)} reviews in {best * 1000:.0f} ms (best of 3; "
            f"{verdict} the {GOAL_SECONDS:.0f} s goal)"
        )
        print(f"{backend:10} plan: {' | '.join(plan)}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
