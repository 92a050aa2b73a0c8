"""Benchmark: import a 10,000-plan caseload file into SQLite and PostgreSQL (goal: under 10 s each).

Run: python bench/import.py [PLANS]. PostgreSQL is measured when EHCP_BENCH_POSTGRES_URL or
EHCP_TEST_POSTGRES_URL names a server (an admin URL; a throwaway database is created and dropped).
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bench_databases import backends, fresh_database

from cli.demo_command import write_csv
from records.demo.caseload import CASELOAD_HEADER, SETTINGS_HEADER, demo_caseload
from records.importing.caseload_import import CaseloadContext, import_caseload
from records.importing.settings_import import import_settings
from rules.bank_holidays import england_and_wales_working_days
from rules.rule_set import ENGLAND_2014

AS_OF = date(2026, 3, 2)
GOAL_SECONDS = 10.0


def main(plans: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="ehcp-bench-files-"))
    demo = demo_caseload(plans, seed=1, today=AS_OF)
    write_csv(folder / "settings.csv", SETTINGS_HEADER, demo.settings)
    write_csv(folder / "caseload.csv", CASELOAD_HEADER, demo.caseload)
    context = CaseloadContext(ENGLAND_2014, england_and_wales_working_days(), "bench")
    print(f"caseload file: {plans} plans, {len(demo.settings.rows)} settings")
    for backend in backends():
        with fresh_database(backend) as (_, factory):
            import_settings(factory, folder / "settings.csv", actor="bench")
            start = time.perf_counter()
            first = import_caseload(factory, folder / "caseload.csv", context)
            first_seconds = time.perf_counter() - start
            start = time.perf_counter()
            again = import_caseload(factory, folder / "caseload.csv", context)
            again_seconds = time.perf_counter() - start
        verdict = "within" if first_seconds < GOAL_SECONDS else "OVER"
        print(f"{backend:10} first import {first_seconds:6.2f} s ({first}); {verdict} the {GOAL_SECONDS:.0f} s goal")
        print(f"{backend:10} re-import    {again_seconds:6.2f} s ({again})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
