"""per-host politeness budget shared by every checking process

- `hostbudget`: one row per shop host, the earliest moment its next request may start;
  dispatchers on several machines sharing a PostgreSQL store lock the row while they
  hand out that host's request slots (`tracker.checks.dispatch`).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hostbudget",
        sa.Column("host", sa.String(), nullable=False),
        sa.Column("next_allowed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("host", name=op.f("pk_hostbudget")),
    )


def downgrade() -> None:
    op.drop_table("hostbudget")
