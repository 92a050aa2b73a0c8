"""Benchmark: the SEN2 items, measures and overdue backlog of a 10,000-plan caseload (figures only, no goal asserted).

Run: python bench/sen2.py [PLANS]. Loads a synthetic caseload into each available backend, then times
reading the plan histories and working out the items (``sen2_items``), the pure measures over them,
and the overdue backlog, best of 3 each.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import date

from bench_databases import backends, fresh_database, load_demo

from records.session import SessionFactory, session_scope
from reports.overdue import overdue_reviews
from reports.sen2 import sen2_items
from reports.sen2_measures import measures_for

AS_OF = date(2026, 3, 2)
CENSUS = date(2026, 1, 15)


def _best(run: Callable[[], object]) -> tuple[float, object]:
    timings, result = [], None
    for _ in range(3):
        start = time.perf_counter()
        result = run()
        timings.append(time.perf_counter() - start)
    return min(timings), result


def _time(backend: str, factory: SessionFactory) -> None:
    def items() -> object:
        with session_scope(factory) as session:
            return sen2_items(session, CENSUS)

    def backlog() -> object:
        with session_scope(factory) as session:
            return overdue_reviews(session, AS_OF)

    seconds, found = _best(items)
    assert isinstance(found, list)
    print(f"{backend:10} sen2 items: {len(found)} plans in {seconds * 1000:.0f} ms (best of 3)")
    seconds, measures = _best(lambda: measures_for(found, 2025, CENSUS))
    counts = measures.counts
    print(f"{backend:10} sen2 measures (pure): {seconds * 1000:.1f} ms; total {counts['total_ehc_plans']}, "
          f"expected {counts['review_expected']}, completed {counts['review_completed']}")
    seconds, lines = _best(backlog)
    assert isinstance(lines, list)
    print(f"{backend:10} overdue backlog: {len(lines)} reviews in {seconds * 1000:.0f} ms (best of 3)")


def main(plans: int) -> None:
    for backend in backends():
        with fresh_database(backend) as (_, factory):
            load_demo(factory, plans, AS_OF, backend)
            _time(backend, factory)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
