"""Request statuses pulled from the server, and the status page's second factor per request.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A new nullable column and a new table: a kiosk upgraded in place keeps every row, and
    # the requests it already holds keep the records they were sent as (status_secret NULL).
    with op.batch_alter_table("service_requests") as batch:
        batch.add_column(sa.Column("status_secret", sa.String(64)))
    op.create_table(
        "request_status",
        sa.Column("request_id", sa.String(36), primary_key=True),
        sa.Column("tracking_code", sa.String(32), nullable=False),
        sa.Column("service_code", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("missing_documents", sa.JSON(), nullable=False),
        sa.Column("pickup_place", sa.Text()),
        sa.Column("pickup_from", sa.Date()),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("pulled_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_request_status_tracking_code", "request_status", ["tracking_code"])


def downgrade() -> None:
    op.drop_index("ix_request_status_tracking_code", "request_status")
    op.drop_table("request_status")
    with op.batch_alter_table("service_requests") as batch:
        batch.drop_column("status_secret")
