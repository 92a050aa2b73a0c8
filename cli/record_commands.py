"""Acts a caseworker records that move no stage, and the amendment notice sent after an amend decision.

- ``ehcp mediation-certificate REF --on DATE``: the date a mediation certificate was issued; the appeal may then run
  1 month from it (HESC r20(1)(c)(ii)), and the family is sent a letter with the later appeal date.
- ``ehcp interim-review REF --held-on DATE``: an interim review of a child under 5 (CoP 9.178).
- ``ehcp named-institution REF URN``: the school or college the amended plan names (a phase transfer's next school);
  the final plan and a cease notice go to it too.
- ``ehcp amendment-notice REF --on DATE``: the proposed amendments sent after an amend decision that went without them
  (Reg 22(2)); like ``ehcp issue``, it goes to the review's run as the stage-5 ``amendment-notice`` document.

Dates are exactly ``YYYY-MM-DD``. Exit status: 0 recorded (or already so), 2 refused with every reason (nothing is
recorded). The first three write the records only: no Prefect run is involved.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated

import typer

from cli.errors import fail
from cli.input_commands import By, Ref, Wait, submit_form
from cli.records_access import current_settings, open_records
from records.review_acts import ActOutcome, ActRefused
from records.review_progress import UnknownReview
from records.session import SessionFactory
from rules.bank_holidays import england_and_wales_working_days
from rules.calendar import IsWorkingDay
from rules.errors import Problem
from rules.facts_input import parse_date
from rules.rule_set import ENGLAND_2014, RuleSet

__all__ = ["amendment_notice", "interim_review", "mediation_certificate", "named_institution"]

On = Annotated[str, typer.Option("--on", help="The date, YYYY-MM-DD.")]


def _date(value: str, option: str) -> date:
    try:
        return parse_date(value)
    except ValueError as exc:
        raise fail("bad option; nothing was recorded", [Problem(option, str(exc))]) from None


def _act(reference: str, act: Callable[[SessionFactory, str, str], ActOutcome]) -> ActOutcome:
    settings = current_settings()
    factory = open_records(settings)
    try:
        return act(factory, reference, settings.actor)
    except UnknownReview as exc:
        raise fail(str(exc)) from None
    except ActRefused as exc:
        raise fail(f"review {reference}: refused; nothing was recorded", exc.problems) from None


def _law() -> tuple[RuleSet, IsWorkingDay]:
    return ENGLAND_2014.with_settings(cycle_anchor=current_settings().cycle_anchor), england_and_wales_working_days()


def mediation_certificate(reference: Ref, on: On, by: By = None) -> None:
    """Record a mediation certificate's date; the family is sent the later appeal date it gives."""
    from services.acts import mediation_certificate as record

    issued_on = _date(on, "--on")
    rule_set, working = _law()
    outcome = _act(
        reference,
        lambda factory, ref, actor: record(
            factory, ref, issued_on, actor=by or actor, rule_set=rule_set, is_working_day=working
        ),
    )
    done = "Recorded" if outcome.changed else "Already recorded"
    typer.echo(f"{done}. Review {reference}: the appeal must now reach the Tribunal by {outcome.appeal_due_on}.")
    if outcome.changed:
        typer.echo("The family's letter with this date is queued; the clock's outbox sweep sends it.")


def interim_review(
    reference: Ref,
    held_on: Annotated[str, typer.Option("--held-on", help="The date the interim review was held, YYYY-MM-DD.")],
    by: By = None,
) -> None:
    """Record the interim review of a child under 5 (guidance: CoP 9.178)."""
    from services.acts import interim_review as record

    day = _date(held_on, "--held-on")
    rule_set, working = _law()
    outcome = _act(
        reference,
        lambda factory, ref, actor: record(
            factory, ref, day, actor=by or actor, rule_set=rule_set, is_working_day=working
        ),
    )
    typer.echo(f"{'Recorded' if outcome.changed else 'Already recorded'}. Review {reference}: interim review {day}.")


def named_institution(
    reference: Ref,
    urn: Annotated[str, typer.Argument(help="URN of the school or college the amended plan names.")],
    by: By = None,
) -> None:
    """Record the school or college the amended plan names (the current setting's URN clears it)."""
    from services.acts import named_institution as record

    outcome = _act(reference, lambda factory, ref, actor: record(factory, ref, urn, actor=by or actor))
    typer.echo(f"{'Recorded' if outcome.changed else 'Already recorded'}. Review {reference}: plan names {urn}.")


def amendment_notice(reference: Ref, on: On, by: By = None, wait: Wait = 120.0) -> None:
    """Stage 5 after amend: record the amendment notice (the proposed amendments) sent after the decision."""
    values = {"document": "amendment-notice", "issued_on": on, "submitted_by": by}
    submit_form(reference, 5, values, {"issued_on": "--on", "submitted_by": "--by"}, wait=wait)
