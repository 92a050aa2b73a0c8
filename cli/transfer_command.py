"""``ehcp transfer-in REF --on DATE --from-la NNN``: a plan transferred to this council from another (Reg 15).

Writes the records only (no Prefect run): the plan's transfer-in date and the old council's three-digit LA
number, audited; the open review's dates are recomputed (its review falls due by the later of the 12 months and
3 months from the transfer, SEND Regs 2014 reg 15) and SEN2's ``TransferLA`` is given for the calendar year of the
transfer. Exit status: 0 recorded (or already so), 2 refused with every reason (nothing is recorded).
"""

from __future__ import annotations

from typing import Annotated

import typer

from cli.errors import fail
from cli.records_access import current_settings, open_records
from records.review_acts import ActRefused, record_transfer_in
from records.review_progress import UnknownReview
from records.session import session_scope
from rules.bank_holidays import england_and_wales_working_days
from rules.errors import Problem
from rules.facts_input import parse_date
from rules.rule_set import ENGLAND_2014
from services.setup import business_date

__all__ = ["transfer_in"]


def transfer_in(
    reference: Annotated[str, typer.Argument(help="The review reference, e.g. AR-2026-00123.")],
    on: Annotated[str, typer.Option("--on", help="The day the plan was transferred to this council, YYYY-MM-DD.")],
    from_la: Annotated[str, typer.Option("--from-la", help="The old council's three-digit LA number, e.g. 873.")],
) -> None:
    """Record that a plan was transferred in from another council (SEND Regs 2014 reg 15)."""
    try:
        transferred_on = parse_date(on)
    except ValueError as exc:
        raise fail("bad option; nothing was recorded", [Problem("--on", str(exc))]) from None
    settings = current_settings()
    rule_set = ENGLAND_2014.with_settings(cycle_anchor=settings.cycle_anchor)
    try:
        with session_scope(open_records(settings)) as session:
            outcome = record_transfer_in(
                session, reference, transferred_on, from_la, today=business_date(session), actor=settings.actor,
                rule_set=rule_set, is_working_day=england_and_wales_working_days(),
            )
    except UnknownReview as exc:
        raise fail(str(exc)) from None
    except ActRefused as exc:
        raise fail(f"review {reference}: refused; nothing was recorded", exc.problems) from None
    state = "recorded" if outcome.changed else "already recorded"
    typer.echo(f"{reference}: transfer in on {transferred_on} from LA {from_la.strip()} {state}")
