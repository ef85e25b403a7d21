"""Request statuses: current status and history (the changes feed), staff users and their
sessions, back-office clients, the audit log and the rate-limit counters.

Requests stored before this revision have no status: they had no tracking code.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    feed = op.create_table(
        "status_feed",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("epoch", sa.String(32), nullable=False),
        sa.Column("cursor_key", sa.String(64), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("floor_seq", sa.Integer(), nullable=False),
    )
    op.bulk_insert(
        feed,
        [
            {
                "id": 1,
                "epoch": secrets.token_hex(8),
                "cursor_key": secrets.token_hex(32),
                "last_seq": 0,
                "floor_seq": 0,
            }
        ],
    )
    op.create_table(
        "tracked_requests",
        sa.Column("request_id", sa.String(36), primary_key=True),
        sa.Column("tracking_code", sa.String(32), nullable=False),
        sa.Column("tracking_key", sa.String(32), nullable=False, unique=True),
        sa.Column("status_secret", sa.String(64)),
        sa.Column("outpost", sa.String(32), nullable=False),
        sa.Column("service_code", sa.String(64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_tracked_outpost_status", "tracked_requests", ["outpost", "status"])
    op.create_index("ix_tracked_updated", "tracked_requests", ["updated_at"])
    op.create_table(
        "status_changes",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("request_id", sa.String(36), nullable=False),
        sa.Column("outpost", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("missing_documents", sa.Text()),
        sa.Column("pickup_place", sa.String(200)),
        sa.Column("pickup_from", sa.Date()),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_kind", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
    )
    op.create_index("ix_status_changes_outpost_seq", "status_changes", ["outpost", "seq"])
    op.create_index(
        "ux_status_changes_request_version",
        "status_changes",
        ["request_id", "version"],
        unique=True,
    )
    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_signins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "backoffice_clients",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_kind", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("request_id", sa.String(36)),
        sa.Column("detail", sa.Text()),
        sa.Column("address", sa.String(64)),
    )
    op.create_index("ix_audit_at", "audit_log", ["at"])
    op.create_table(
        "rate_counters",
        sa.Column("key", sa.String(120), primary_key=True),
        sa.Column("window_start", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "rate_counters",
        "audit_log",
        "backoffice_clients",
        "staff_sessions",
        "staff_users",
        "status_changes",
        "tracked_requests",
        "status_feed",
    ):
        op.drop_table(table)
