"""Benchmark: the full deadline set for 1,000,000 seeded synthetic reviews on one core.

Prints reviews per second and peak memory. Goal (issue 2): 100,000 reviews/s
or better. Facts are generated in chunks outside the timed section; only
``rules.deadlines.due_dates`` is timed.

    .venv/bin/python bench/deadlines.py [--reviews N] [--seed S] [--chunk C]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rules.bank_holidays import england_and_wales_working_days
from rules.deadlines import due_dates
from rules.facts import Decision, Outcome, PhaseTransfer, PreviousReview, ReviewFacts, TransferKind
from rules.rule_set import ENGLAND_2014

EPOCH = date(2018, 1, 1)


def synthetic_review(rng: random.Random) -> ReviewFacts:
    """One review at a random stage, with phase transfers and every outcome represented."""
    first = EPOCH + timedelta(days=rng.randrange(3000))
    previous = None
    if rng.random() < 0.7:
        meeting = first + timedelta(days=rng.randrange(300, 420))
        previous = PreviousReview(meeting, meeting + timedelta(days=rng.randrange(10, 60)))
    start = previous.decision_on if previous else first
    roll = rng.random()
    transfer = None
    if roll < 0.15:
        transfer = PhaseTransfer(TransferKind.SCHOOL, year=start.year + 1)
    elif roll < 0.2:
        transfer = PhaseTransfer(TransferKind.POST16, transfer_on=start + timedelta(days=rng.randrange(200, 500)))
    stage = rng.randrange(6)
    held = start + timedelta(days=rng.randrange(280, 360)) if stage >= 2 else None
    decision = notice = final = None
    if stage >= 4 and held is not None:
        decision = Decision(rng.choice((Outcome.MAINTAIN, Outcome.AMEND, Outcome.CEASE)), held + timedelta(days=20))
        if decision.outcome is Outcome.AMEND:
            notice = decision.notified_on
            final = notice + timedelta(days=rng.randrange(20, 70)) if stage == 5 else None
    return ReviewFacts(
        first,
        previous_review=previous,
        phase_transfer=transfer,
        meeting_planned_on=start + timedelta(days=300) if stage == 1 else None,
        meeting_held_on=held,
        decision=decision,
        amendment_notice_sent_on=notice,
        final_plan_issued_on=final,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2014)
    parser.add_argument("--chunk", type=int, default=100_000)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    is_working_day = england_and_wales_working_days()
    rules = ENGLAND_2014
    elapsed = 0.0
    dated = 0
    done = 0
    while done < args.reviews:
        batch = [synthetic_review(rng) for _ in range(min(args.chunk, args.reviews - done))]
        started = time.perf_counter()
        for facts in batch:
            result = due_dates(facts, rules, is_working_day=is_working_day)
            dated += result["appeal_due"] is not None
        elapsed += time.perf_counter() - started
        done += len(batch)
        print(f"  {done:>9,} reviews  {done / elapsed:>10,.0f} reviews/s", file=sys.stderr)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"reviews: {done:,}  time in rules: {elapsed:.2f} s  rate: {done / elapsed:,.0f} reviews/s")
    print(f"reviews with an appeal date: {dated:,}  peak memory (RSS): {peak_mib:.0f} MiB")
    print(f"goal: 100,000 reviews/s on one core -> {'met' if done / elapsed >= 100_000 else 'NOT met'}")


if __name__ == "__main__":
    main()
