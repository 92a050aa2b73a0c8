"""Rendering reports: the jinja2 environment (StrictUndefined, autoescaped) and the compliance outputs.

The HTML page is self-contained: inline CSS and server-drawn SVG, no script and nothing fetched.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from functools import cache
from typing import Any, Final

from jinja2 import Environment, PackageLoader, StrictUndefined

from reports.charts import bar_chart, label_of, month_grid, percent
from reports.compliance import ComplianceLine, ComplianceReport

COMPLIANCE_COLUMNS: Final = (
    "level", "setting_urn", "setting_name", "stage", "deadline_key", "owner", "due", "met", "met_late", "missed",
    "open", "unrecorded", "on_time_rate", "median_late_days", "worst_late_days", "breach",
)


@cache
def environment() -> Environment:
    """Return the reports' template environment (built once per process, on first use)."""
    return Environment(
        loader=PackageLoader("reports", "templates"),
        undefined=StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def line_values(line: ComplianceLine) -> dict[str, Any]:
    """Return one line's counts and measures as plain values (CSV cells, table cells, template rows)."""
    rate = line.on_time_rate
    return {
        "level": "setting" if line.setting_urn else "authority",
        "setting_urn": line.setting_urn or "",
        "setting_name": line.setting_name or "",
        "stage": line.stage,
        "deadline_key": line.key,
        "label": label_of(line.key, line.owner),
        "owner": line.owner,
        "due": line.due,
        **{name: line.counts[name] for name in ("met", "met_late", "missed", "open", "unrecorded", "breach")},
        "on_time_rate": "" if rate is None else f"{rate:.3f}",
        "on_time_percent": percent(rate),
        "median_late_days": _number(line.median_late_days),
        "worst_late_days": _number(line.worst_late_days),
    }


def compliance_csv(report: ComplianceReport) -> str:
    """Return the report as CSV: the authority lines first, then each setting's."""
    out = io.StringIO()
    writer = csv.DictWriter(out, COMPLIANCE_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for line in (*report.by_stage, *report.by_setting):
        writer.writerow(line_values(line))
    return out.getvalue()


def _rows(lines: Sequence[ComplianceLine]) -> list[dict[str, Any]]:
    return [line_values(line) for line in lines]


def compliance_html(report: ComplianceReport) -> str:
    """Return the report as one self-contained HTML page with its charts."""
    period = report.period
    return environment().get_template("compliance.html.j2").render(
        from_on=period.from_on,
        to_on=period.to_on,
        as_of=period.as_of,
        by_stage=_rows(report.by_stage),
        by_setting=_rows(report.by_setting),
        bars=bar_chart(report.by_stage),
        grid=month_grid(report.by_stage, report.by_month),
    )
