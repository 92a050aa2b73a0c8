"""``ehcp report``: the authority-wide reports (compliance, SEN2)."""

from __future__ import annotations

import typer

from cli.backlog_command import backlog_command
from cli.compliance_command import compliance
from cli.overdue_command import overdue
from cli.returns_command import annex_a, chronology_command, foi, sen2_breakdowns
from cli.sen2_command import sen2, sen2_measures

report_app = typer.Typer(
    help="Authority-wide reports: deadline compliance, the overdue backlog (listed, and counted by months "
    "overdue), the DfE SEN2 return and the returns "
    "beside it (annex A, an Ombudsman chronology, FOI figures, SEN2 breakdowns).",
    no_args_is_help=True,
)
report_app.command("compliance")(compliance)
report_app.command("sen2")(sen2)
report_app.command("sen2-measures")(sen2_measures)
report_app.command("overdue")(overdue)
report_app.command("backlog")(backlog_command)
report_app.command("sen2-breakdowns")(sen2_breakdowns)
report_app.command("annex-a")(annex_a)
report_app.command("chronology")(chronology_command)
report_app.command("foi")(foi)
