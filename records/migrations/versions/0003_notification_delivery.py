"""notifications: what rendering at send time needs, and where each message went

Revision ID: 0003
Revises: 0002
Create Date: notification outbox and delivery (issue 5)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COLUMNS = (
    ("deadline_key", sa.String(length=32)),
    ("ladder_step", sa.String(length=32)),
    ("deadline_due_on", sa.Date()),
    ("due_on", sa.Date()),
    ("owner", sa.String(length=12)),
    ("audience", sa.String(length=200)),
    ("advisory", sa.Boolean()),
    ("expected_on", sa.Date()),
    ("recipient_address", sa.String(length=254)),
    ("provider_id", sa.String(length=200)),
)
EVENT_INDEX = "ix_notifications_review_id_deadline_key_ladder_step"


def upgrade() -> None:
    # Plain nullable columns: ALTER TABLE ADD COLUMN on both backends, no table rebuild.
    for name, type_ in COLUMNS:
        op.add_column("notifications", sa.Column(name, type_, nullable=True))
    op.create_index(EVENT_INDEX, "notifications", ["review_id", "deadline_key", "ladder_step"])


def downgrade() -> None:
    op.drop_index(EVENT_INDEX, table_name="notifications")
    # Plain ALTER TABLE DROP COLUMN (SQLite 3.35+ and PostgreSQL), one column at a time.
    for name, _type in reversed(COLUMNS):
        op.execute(f"ALTER TABLE notifications DROP COLUMN {name}")
