"""termly_lists_sent: each setting's termly list recorded once per term

Revision ID: 0004
Revises: 0003
Create Date: reports and termly lists (issue 6)

One table, added after the notification delivery columns (0003).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "termly_lists_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("setting_id", sa.Integer(), nullable=False),
        sa.Column("term", sa.String(length=20), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("review_count", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["setting_id"], ["settings.id"], name="fk_termly_lists_sent_setting_id_settings", ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_termly_lists_sent"),
        sa.UniqueConstraint("setting_id", "term", name="uq_termly_lists_sent_setting_id_term"),
    )


def downgrade() -> None:
    op.drop_table("termly_lists_sent")
