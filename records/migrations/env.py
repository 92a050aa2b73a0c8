"""Alembic environment: runs online against the engine handed over in ``config.attributes``.

On SQLite a batch migration rebuilds a table (copy, drop, rename). With foreign keys enforced, dropping
``reviews`` would fail, or cascade its children away, so they are off for the migration (SQLite allows the
switch only outside a transaction), checked with ``PRAGMA foreign_key_check`` before the commit, and on again
afterwards: the SQLite documentation's own procedure for altering a table.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from records.models import Base

config = context.config
engine = config.attributes["engine"]
sqlite = engine.dialect.name == "sqlite"

with engine.connect() as connection:
    if sqlite:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()  # ends SQLAlchemy's autobegun transaction; the pragma itself ran outside one
    try:
        with connection.begin():
            context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
            with context.begin_transaction():
                context.run_migrations()
            if sqlite:
                broken = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
                if broken:
                    raise RuntimeError(f"the migration left rows whose foreign keys point nowhere: {broken[:5]}")
    finally:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
