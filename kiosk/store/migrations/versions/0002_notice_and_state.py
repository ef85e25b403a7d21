"""Store the data-use notice acknowledgement with each request, the purge time, kiosk state.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("service_requests") as batch:
        batch.add_column(sa.Column("notice_version", sa.String(32)))
        batch.add_column(sa.Column("notice_accepted_at", sa.DateTime()))
        batch.add_column(sa.Column("purged_at", sa.DateTime()))
    op.create_table(
        "kiosk_state",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("kiosk_state")
    with op.batch_alter_table("service_requests") as batch:
        batch.drop_column("purged_at")
        batch.drop_column("notice_accepted_at")
        batch.drop_column("notice_version")
