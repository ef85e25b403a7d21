"""The kiosk's clock skew at the push that brought each record, and its time flag.

Records stored before this revision keep null in both: filed by the kiosk's time, as then.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("records", sa.Column("kiosk_clock_skew_s", sa.Float()))
    op.add_column("records", sa.Column("time_flag", sa.String(16)))


def downgrade() -> None:
    with op.batch_alter_table("records") as batch:
        batch.drop_column("time_flag")
        batch.drop_column("kiosk_clock_skew_s")
