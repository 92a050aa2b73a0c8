"""one table for clock events and escalations; outbox rows carry their retry schedule and business date

Revision ID: 0008
Revises: 0007
Create Date: the clock escalates by itself (issue 9)

- ``clock_events`` gains ``recipient_roles`` (the roles an escalation reaches; NULL for an ended
  wait) copied from ``escalations``, which is dropped: one row per (review, deadline, step).
- ``notifications`` gains ``as_of`` (the business date the message speaks for, so it states the
  true lateness), ``queued_at`` and ``next_attempt_at`` (system time: the sweep's back-off and
  its give-up age), and ``setting_id`` / ``term_id`` (a termly list, which names no review).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

SAME_EVENT = (
    "e.review_id = clock_events.review_id AND e.deadline_key = clock_events.deadline_key"
    " AND e.ladder_step = clock_events.ladder_step"
)


def upgrade() -> None:
    op.add_column("clock_events", sa.Column("recipient_roles", sa.String(length=200), nullable=True))
    op.execute(
        f"UPDATE clock_events SET recipient_roles = (SELECT e.recipient_roles FROM escalations e WHERE {SAME_EVENT})"
    )
    op.execute(
        "INSERT INTO clock_events (review_id, deadline_key, ladder_step, due_on, fired_at, status, recipient_roles)"
        " SELECT e.review_id, e.deadline_key, e.ladder_step, e.due_on, e.fired_at, e.status, e.recipient_roles"
        " FROM escalations e WHERE NOT EXISTS (SELECT 1 FROM clock_events c WHERE c.review_id = e.review_id"
        " AND c.deadline_key = e.deadline_key AND c.ladder_step = e.ladder_step)"
    )
    op.drop_table("escalations")
    op.create_index("ix_clock_events_review_id_status", "clock_events", ["review_id", "status"])
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("as_of", sa.Date(), nullable=True))
        batch.add_column(sa.Column("queued_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("setting_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("term_id", sa.String(length=20), nullable=True))
        batch.create_foreign_key(
            "fk_notifications_setting_id_settings", "settings", ["setting_id"], ["id"], ondelete="RESTRICT"
        )


def downgrade() -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.drop_constraint("fk_notifications_setting_id_settings", type_="foreignkey")
        for column in ("term_id", "setting_id", "next_attempt_at", "queued_at", "as_of"):
            batch.drop_column(column)
    op.drop_index("ix_clock_events_review_id_status", table_name="clock_events")
    op.create_table(
        "escalations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("deadline_key", sa.String(length=32), nullable=False),
        sa.Column("ladder_step", sa.String(length=32), nullable=False),
        sa.Column("recipient_roles", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("fired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name="fk_escalations_review_id_reviews", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_escalations"),
        sa.UniqueConstraint(
            "review_id", "deadline_key", "ladder_step", name="uq_escalations_review_id_deadline_key_ladder_step"
        ),
    )
    op.create_index("ix_escalations_status_due_on", "escalations", ["status", "due_on"])
    op.execute(
        "INSERT INTO escalations (review_id, deadline_key, ladder_step, recipient_roles, due_on, fired_at, status)"
        " SELECT review_id, deadline_key, ladder_step, recipient_roles, due_on, fired_at, status FROM clock_events"
        " WHERE recipient_roles IS NOT NULL"
    )
    with op.batch_alter_table("clock_events") as batch:
        batch.drop_column("recipient_roles")
