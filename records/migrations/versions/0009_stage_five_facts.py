"""The revised law's facts (issue 10): not-amending and mediation dates, report sent, Reg 21, breaches

Revision ID: 0009
Revises: 0008
Create Date: the law completed (issue 10)

reviews gain the Reg 22(4) not-amending notice (date, and the reasons, held here and never in Prefect),
the mediation certificate, the date the report was sent, and who leads stages 1-3 (``led_by``: the
setting, or the LA under Reg 21). deadlines gain ``breach`` (history kept but unlawful: a final plan
inside the representation window) and ``earliest_lawful_on`` (a deadline that cannot be met lawfully).
Plain ADD COLUMN on both databases; the downgrade drops them in SQLite batch mode.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

REVIEW_COLUMNS = (
    "amendments_withdrawn_on",
    "amendments_withdrawn_reasons",
    "mediation_certificate_on",
    "report_sent_on",
    "led_by",
)
DEADLINE_COLUMNS = ("breach", "earliest_lawful_on")


def upgrade() -> None:
    op.add_column("reviews", sa.Column("amendments_withdrawn_on", sa.Date(), nullable=True))
    op.add_column("reviews", sa.Column("amendments_withdrawn_reasons", sa.Text(), nullable=True))
    op.add_column("reviews", sa.Column("mediation_certificate_on", sa.Date(), nullable=True))
    op.add_column("reviews", sa.Column("report_sent_on", sa.Date(), nullable=True))
    op.add_column("reviews", sa.Column("led_by", sa.String(12), nullable=False, server_default="setting"))
    op.add_column("deadlines", sa.Column("breach", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("deadlines", sa.Column("earliest_lawful_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deadlines") as batch:
        for name in DEADLINE_COLUMNS:
            batch.drop_column(name)
    with op.batch_alter_table("reviews") as batch:
        for name in REVIEW_COLUMNS:
            batch.drop_column(name)
