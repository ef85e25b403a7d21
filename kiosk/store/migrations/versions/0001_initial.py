"""The first schema: tickets, requests, ticket events, outbox, operators, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "queue_sequences",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("letter", sa.String(1), primary_key=True),
        sa.Column("last_number", sa.Integer(), nullable=False),
    )
    op.create_table(
        "queue_tickets",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("number", sa.String(16), nullable=False),
        sa.Column("letter", sa.String(1), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("service_code", sa.String(64), nullable=False),
        sa.Column("counter", sa.String(16), nullable=False),
        sa.Column("kiosk_id", sa.String(64), nullable=False),
        sa.Column("outpost", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("tracking_code", sa.String(16), nullable=False, unique=True),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("called_at", sa.DateTime()),
        sa.Column("served_at", sa.DateTime()),
        sa.Column("recall_count", sa.Integer(), nullable=False),
        sa.Column("print_count", sa.Integer(), nullable=False),
        sa.UniqueConstraint("day", "kiosk_id", "letter", "sequence", name="uq_ticket_number"),
        sa.CheckConstraint(
            "status IN ('waiting','called','served','no_show','void')", name="ck_ticket_status"
        ),
    )
    op.create_index("ix_ticket_day_status", "queue_tickets", ["day", "status", "service_code"])
    op.create_table(
        "service_requests",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("service_code", sa.String(64), nullable=False),
        sa.Column("form_id", sa.String(64), nullable=False),
        sa.Column("form_version", sa.Integer(), nullable=False),
        sa.Column("answers", sa.Text()),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("kiosk_id", sa.String(64), nullable=False),
        sa.Column("outpost", sa.String(32), nullable=False),
        sa.Column(
            "ticket_id", sa.String(36), sa.ForeignKey("queue_tickets.id"), nullable=False,
            unique=True,
        ),
    )
    op.create_index("ix_service_requests_created_at", "service_requests", ["created_at"])
    op.create_table(
        "ticket_events",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("ticket_id", sa.String(36), sa.ForeignKey("queue_tickets.id"), nullable=False),
        sa.Column("event", sa.String(16), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("counter", sa.String(16)),
        sa.Column("operator_id", sa.String(36)),
    )
    op.create_table(
        "outbox",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("record_id", sa.String(36), nullable=False, unique=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime()),
        sa.Column("last_error", sa.Text()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime()),
        sa.CheckConstraint("state IN ('pending','sent','dead')", name="ck_outbox_state"),
    )
    op.create_index("ix_outbox_state_seq", "outbox", ["state", "seq"])
    op.create_table(
        "operator_accounts",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("pin_hash", sa.String(256), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("role IN ('operator','admin')", name="ck_operator_role"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.String(36)),
        sa.Column("action", sa.String(48), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])


def downgrade() -> None:
    for table in (
        "audit_log",
        "operator_accounts",
        "outbox",
        "ticket_events",
        "service_requests",
        "queue_tickets",
        "queue_sequences",
    ):
        op.drop_table(table)
