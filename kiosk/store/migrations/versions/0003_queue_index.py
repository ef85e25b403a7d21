"""A covering index for "people ahead": waiting tickets of a service before a number.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_ticket_day_service_status_seq",
        "queue_tickets",
        ["day", "service_code", "status", "sequence"],
    )


def downgrade() -> None:
    op.drop_index("ix_ticket_day_service_status_seq", "queue_tickets")
