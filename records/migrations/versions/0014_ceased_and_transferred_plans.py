"""Ceased plans and plans transferred in (issue 23): when a cease took effect, and when and from where a plan came

Revision ID: 0014
Revises: 0013
Create Date: figures a SEN manager can sign (issue 23)

plans gain three nullable columns, added with plain ``ADD COLUMN`` (no table rebuild on SQLite):

- ``ceased_on``: the first day a ceased plan was no longer maintained (CFA s45: after the appeal period, or once
  the Tribunal decided); NULL while the plan is in force or when the records do not hold the date;
- ``transferred_in_on``: the day the plan was transferred to this council from another (SEND Regs 2014 reg 15);
- ``transferred_from_la``: that council's three-digit LA number (SEN2's ``TransferLA``).

The downgrade drops them (``ALTER TABLE ... DROP COLUMN``: SQLite 3.35 or later).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

COLUMNS = (
    ("ceased_on", sa.Date()),
    ("transferred_in_on", sa.Date()),
    ("transferred_from_la", sa.String(3)),
)


def upgrade() -> None:
    for name, kind in COLUMNS:
        op.add_column("plans", sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    for name, _ in reversed(COLUMNS):
        op.drop_column("plans", name)
