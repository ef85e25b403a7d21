"""The call stream (every call and recall, numbered for good) and the LAN's idempotent actions.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # New tables only: a kiosk upgraded in place keeps every row it had.
    op.create_table(
        "call_log",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("call_id", sa.String(36), nullable=False, unique=True),
        sa.Column("ticket_id", sa.String(36), sa.ForeignKey("queue_tickets.id"), nullable=False),
        sa.Column("number", sa.String(16), nullable=False),
        sa.Column("counter", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("operator_id", sa.String(36)),
        sa.Column("device", sa.String(64)),
        sa.CheckConstraint("kind IN ('call','recall')", name="ck_call_kind"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_call_log_ticket", "call_log", ["ticket_id"])
    op.create_table(
        "lan_actions",
        sa.Column("action_id", sa.String(64), primary_key=True),
        sa.Column("operator_id", sa.String(36)),
        sa.Column("answer", sa.JSON()),
        sa.Column("at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_lan_actions_at", "lan_actions", ["at"])


def downgrade() -> None:
    op.drop_index("ix_lan_actions_at", "lan_actions")
    op.drop_table("lan_actions")
    op.drop_index("ix_call_log_ticket", "call_log")
    op.drop_table("call_log")
