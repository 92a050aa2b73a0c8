"""the meeting record completes the paperwork: files of advice and reports received, kept in the records

Revision ID: 0017
Revises: 0016
Create Date: the meeting record completes the paperwork (issue 24, item 4)

Additive only: a new table ``record_attachments`` (one row per uploaded PDF or DOCX, its bytes in the records
database, never in Prefect). The record's new sections (sign-off, aspirations, advice received, preparing for
adulthood, personal budget, any number of outcomes) live in ``meeting_records.content``, a JSON column: no column
changes. Downgrading drops the table and the files in it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "record_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_record_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(120), nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(40), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_record_id"], ["meeting_records.id"],
            name="fk_record_attachments_meeting_record_id_meeting_records", ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_record_attachments"),
    )
    op.create_index("ix_record_attachments_meeting_record_id", "record_attachments", ["meeting_record_id"])


def downgrade() -> None:
    op.drop_index("ix_record_attachments_meeting_record_id", table_name="record_attachments")
    op.drop_table("record_attachments")
