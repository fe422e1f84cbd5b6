"""listing summary, daily roll-up, next check time

- `listingsummary`: one row per listing with its latest observation, latest two priced
  ones, running lowest price and latest fetch attempt, so lists read one row per listing;
- `observationdaily`: first, last, lowest and highest comparable price per listing, UTC
  day and currency, for charts and forecasts;
- `listing.next_check_at`: when the dispatcher checks the listing next.

Both tables are backfilled from the existing history by `tracker.store.summary.rebuild`
(set-based queries; the same code rebuilds them after bulk imports). This revision does
not depend on the columns of 0003: it reads only observation and fetch attempt columns
that 0001 created.

Revision ID: 0004
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "listingsummary",
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=True),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("priced_id", sa.Integer(), nullable=True),
        sa.Column("priced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("before_id", sa.Integer(), nullable=True),
        sa.Column("lowest_price", sa.BigInteger(), nullable=True),
        sa.Column("lowest_currency", sa.String(), nullable=True),
        sa.Column("lowest_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempt_id", sa.Integer(), nullable=True),
        sa.Column("attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["listing.id"],
            name=op.f("fk_listingsummary_listing_id_listing"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("listing_id", name=op.f("pk_listingsummary")),
    )
    op.create_table(
        "observationdaily",
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.String(), nullable=False),
        sa.Column("currency", sa.String(), nullable=False),
        sa.Column("first_price", sa.BigInteger(), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_price", sa.BigInteger(), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("min_price", sa.BigInteger(), nullable=False),
        sa.Column("max_price", sa.BigInteger(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["listing.id"],
            name=op.f("fk_observationdaily_listing_id_listing"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("listing_id", "day", "currency", name=op.f("pk_observationdaily")),
    )
    with op.batch_alter_table("listing", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_check_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_listing_next_check_at"), ["next_check_at"])

    from tracker.store.summary import rebuild

    rebuild(op.get_bind(), copies=False)  # 0006 adds and fills the copies


def downgrade() -> None:
    with op.batch_alter_table("listing", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_listing_next_check_at"))
        batch_op.drop_column("next_check_at")
    op.drop_table("observationdaily")
    op.drop_table("listingsummary")
