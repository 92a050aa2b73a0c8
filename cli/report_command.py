"""``ehcp report``: the authority-wide reports (compliance, SEN2)."""

from __future__ import annotations

import typer

from cli.compliance_command import compliance
from cli.overdue_command import overdue
from cli.sen2_command import sen2, sen2_measures

report_app = typer.Typer(
    help="Authority-wide reports: deadline compliance, the overdue backlog and the DfE SEN2 return.",
    no_args_is_help=True,
)
report_app.command("compliance")(compliance)
report_app.command("sen2")(sen2)
report_app.command("sen2-measures")(sen2_measures)
report_app.command("overdue")(overdue)
