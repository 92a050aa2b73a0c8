"""``ehcp import settings``: create or update settings by URN, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from records.audit import record
from records.bulk import bulk_insert
from records.importing.csv_file import read_csv
from records.importing.problems import ImportSummary
from records.importing.settings_rows import SETTINGS_COLUMNS, SETTINGS_OPTIONAL_COLUMNS, setting_values
from records.importing.transactions import in_one_transaction
from records.models import Setting
from records.queries import settings_by_urn
from records.session import SessionFactory


def import_settings(factory: SessionFactory, path: Path, *, actor: str) -> ImportSummary:
    """Import a settings file; raise ImportRejected (nothing written) if any row is bad."""
    values = setting_values(read_csv(path, SETTINGS_COLUMNS, SETTINGS_OPTIONAL_COLUMNS))
    return import_setting_values(factory, values, actor=actor)


def import_setting_values(factory: SessionFactory, values: list[dict[str, Any]], *, actor: str) -> ImportSummary:
    """Write checked settings values (the file's or the demo generator's) in one transaction."""
    return in_one_transaction(factory, lambda session: write_settings(session, values, actor=actor))


def write_settings(session: Session, values: list[dict[str, Any]], *, actor: str) -> ImportSummary:
    """Insert new settings and update changed ones; return the counts."""
    stored = settings_by_urn(session, [v["urn"] for v in values])
    new = [v for v in values if v["urn"] not in stored]
    changed = [
        {**v, "id": stored[v["urn"]]["id"]}
        for v in values
        if v["urn"] in stored and any(stored[v["urn"]][k] != v[k] for k in v)
    ]
    if new:
        session.execute(bulk_insert(Setting), new)
    if changed:
        session.execute(update(Setting), changed)
    summary = ImportSummary(len(new), len(changed), len(values) - len(new) - len(changed))
    if new or changed:
        urns = sorted(v["urn"] for v in new + changed)
        detail = {"created": summary.created, "updated": summary.updated, "urns": urns}
        record(session, actor=actor, action="settings.imported", detail=detail)
    return summary
