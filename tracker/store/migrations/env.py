"""Alembic's environment: runs only on the connection `tracker.store.migrations` hands in."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel

import tracker.store.tables  # noqa: F401  (registers every table on SQLModel.metadata)
from tracker.store.migrations import FOREIGN_TABLES


def include_name(name: str | None, type_: str, _parent: Any) -> bool:
    """Leave tables the migrations do not own (APScheduler's) out of every comparison."""
    return not (type_ == "table" and name in FOREIGN_TABLES)


def render_item(type_: str, obj: Any, _autogen_context: AutogenContext) -> str | Literal[False]:
    """Write the storage type of daoshou's column types, so revisions never import models."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        impl = obj.impl_instance
        return f"sa.{impl!r}"
    if type_ == "type" and type(obj).__name__ == "AutoString":
        return "sa.String()"
    return False


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("tracker migrations run only through tracker.store.migrations.upgrade()")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    include_name=include_name,
    render_item=render_item,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
