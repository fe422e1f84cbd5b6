"""the latest observation and fetch attempt copied into each listing's summary

- `listingsummary` gains the fields of the newest observation (`last_price` ...
  `last_in_hand`) and of the newest fetch attempt (`attempt_duration_ms` ...
  `attempt_bytes_received`) beside the ids and times it had, so that `daoshou list` reads
  one row per listing instead of following each id into the history.

The copies are filled from the rows the summary's ids point to
(`tracker.store.summary.copy_latest`: one keyed read per listing, not a scan).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_COPIES = (  # name, type
    ("last_price", sa.BigInteger()),
    ("last_list_price", sa.BigInteger()),
    ("last_currency", sa.String()),
    ("last_in_stock", sa.Boolean()),
    ("last_is_from_price", sa.Boolean()),
    ("last_title", sa.String()),
    ("last_source", sa.String()),
    ("last_reason", sa.String()),
    ("last_promotions", sa.Text()),
    ("last_in_hand", sa.BigInteger()),
    ("attempt_duration_ms", sa.Integer()),
    ("attempt_status", sa.String()),
    ("attempt_http_status", sa.Integer()),
    ("attempt_error", sa.String()),
    ("attempt_bytes_received", sa.Integer()),
)


def upgrade() -> None:
    with op.batch_alter_table("listingsummary", schema=None) as batch_op:
        for name, type_ in _COPIES:
            batch_op.add_column(sa.Column(name, type_, nullable=True))

    from tracker.store.summary import copy_latest

    copy_latest(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("listingsummary", schema=None) as batch_op:
        for name, _ in reversed(_COPIES):
            batch_op.drop_column(name)
