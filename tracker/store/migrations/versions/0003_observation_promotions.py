"""observation promotions and in-hand price

`observation.promotions`: what the page stated beside the price (coupons, thresholds,
member prices, limits, presale terms) as JSON text in the cart file's vocabulary.
`observation.in_hand`: the in-hand price of one unit bought alone, with those promotions
applied by the planner's cost engine, stored like every amount (1/10000 units).
Both are NULL on observations recorded before.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("promotions", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("in_hand", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.drop_column("in_hand")
        batch_op.drop_column("promotions")
