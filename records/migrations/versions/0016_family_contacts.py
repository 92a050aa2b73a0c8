"""families and young people: family contacts, who each family letter went to, posted letters and their copies

Revision ID: 0016
Revises: 0014
Create Date: families and young people reached as the law requires (issue 20)

Additive only. New tables ``family_contacts`` (one row per person per plan) and ``letter_copies`` (what each
sent letter said); nullable columns on ``notifications``: the family addressee chosen when the letter was
queued, whether it is a copy, the date the letter was sent and bears (the appeal counts from it), and when a
posted letter was batched and posted. Plain ``add_column``/``create_table``, so SQLite needs no table rebuild.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None

NOTIFICATION_COLUMNS = (
    ("family_contact_id", sa.Integer()),
    ("family_copy", sa.Boolean()),
    ("letter_on", sa.Date()),
    ("batched_at", sa.DateTime(timezone=True)),
    ("posted_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    op.create_table(
        "family_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.String(20), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("given_name", sa.String(100), nullable=True),
        sa.Column("family_name", sa.String(100), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("postcode", sa.String(10), nullable=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("phone", sa.String(30), nullable=True),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("large_print", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("easy_read", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("language", sa.String(40), nullable=True),
        sa.Column("representative_acts", sa.Boolean(), nullable=True),
        sa.Column("parents_copied", sa.Boolean(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name="fk_family_contacts_plan_id_plans", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_family_contacts"),
        sa.UniqueConstraint("plan_id", "slot", name="uq_family_contacts_plan_id_slot"),
    )
    op.create_index("ix_family_contacts_plan_id", "family_contacts", ["plan_id"])
    op.create_table(
        "letter_copies",
        sa.Column("notification_id", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(40), nullable=False),
        sa.Column("file_name", sa.String(120), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=True),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            ["notifications.id"],
            name="fk_letter_copies_notification_id_notifications",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("notification_id", name="pk_letter_copies"),
    )
    for name, kind in NOTIFICATION_COLUMNS:
        op.add_column("notifications", sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    for name, _ in reversed(NOTIFICATION_COLUMNS):
        op.drop_column("notifications", name)
    op.drop_table("letter_copies")
    op.drop_index("ix_family_contacts_plan_id", table_name="family_contacts")
    op.drop_table("family_contacts")
