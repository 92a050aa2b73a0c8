"""Rendering reports: the jinja2 environment (StrictUndefined, autoescaped) and the compliance outputs.

The HTML page is self-contained: inline CSS and server-drawn SVG, no script and nothing fetched.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any, Final

from jinja2 import Environment, PackageLoader, StrictUndefined

from reports.charts import backlog_chart, bar_chart, label_of, month_grid, percent
from reports.compliance import ComplianceLine, ComplianceReport
from reports.compliance_pictures import CompliancePictures
from reports.csv_safety import csv_text
from reports.sen2_measures import MEASURE_LABELS, PERCENT_OF

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
    """Return the report as CSV: the authority lines, each setting's, then the imported history's (level
    ``imported``: the previous reviews imported with the caseload, ``reports.compliance_history``)."""
    rows = [line_values(line) for line in (*report.by_stage, *report.by_setting)]
    rows += [{**line_values(line), "level": "imported"} for line in report.imported]
    return csv_text(COMPLIANCE_COLUMNS, ([row[name] for name in COMPLIANCE_COLUMNS] for row in rows))


def _rows(lines: Sequence[ComplianceLine]) -> list[dict[str, Any]]:
    return [line_values(line) for line in lines]


def _figure(counts: dict[str, int], percentages: dict[str, float | None], name: str) -> str:
    share = percentages.get(f"pc_{name}")
    return f"{counts[name]} ({share:.1f}%)" if share is not None else str(counts[name])


def sen2_rows(pictures: CompliancePictures) -> list[dict[str, Any]]:
    """Return one row per DfE measure: its label, this year's and last year's figure, and the change."""
    now, before = pictures.this_year, pictures.last_year
    now_pc, before_pc = now.percentages, before.percentages
    return [
        {
            "name": name,
            "label": label,
            "denominator": PERCENT_OF.get(name, ""),
            "this_year": _figure(now.counts, now_pc, name),
            "last_year": _figure(before.counts, before_pc, name),
            "change": f"{now.counts[name] - before.counts[name]:+d}",
        }
        for name, label in MEASURE_LABELS.items()
    ]


def compliance_html(report: ComplianceReport, pictures: CompliancePictures | None = None) -> str:
    """Return the report as one self-contained HTML page with its charts (and the SEN2 and backlog pictures)."""
    period = report.period
    return environment().get_template("compliance.html.j2").render(
        from_on=period.from_on,
        to_on=period.to_on,
        as_of=period.as_of,
        by_stage=_rows(report.by_stage),
        by_setting=_rows(report.by_setting),
        imported=_rows(report.imported),
        bars=bar_chart(report.by_stage),
        grid=month_grid(report.by_stage, report.by_month),
        sen2=None if pictures is None else {
            "year": pictures.this_year.year, "census_on": pictures.this_year.census_on,
            "last_census_on": pictures.last_year.census_on, "rows": sen2_rows(pictures),
            "warnings": pictures.warnings,
            "reconciliation": pictures.reconciliation.rows() if pictures.reconciliation else [],
        },
        backlog=None if pictures is None else {
            "total": len(pictures.months_overdue), "chart": backlog_chart(pictures.months_overdue),
        },
    )
