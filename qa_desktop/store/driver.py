"""Small plain-SQL statements run by the database driver's own cursor, inside SQLAlchemy's transaction.

One answer on the visit screen runs a dozen small statements (the save's look-ups, the change
signal's catch-up, whose screens show the answer, the status bar's counts a moment later). For each,
SQLAlchemy's handling (its execution context, result object and events) cost more than SQLite's work
(issue 22). ``driver_rows`` hands the statement to the driver as it is, on the connection the unit of
work already holds, so it reads and writes exactly what the same SQL through SQLAlchemy would: only
for statements whose parameters and results are plain text and numbers (no column type to process).

The driver's errors are given as SQLAlchemy gives them (a locked file is an ``OperationalError``, a
damaged one a ``DatabaseError``): the store says them in words as before. When something listens to
the statements (``before_cursor_execute``: the query-plan tests), they go through SQLAlchemy, so the
listener sees every statement as it is run.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Executable, Result
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session


def driver_rows(connection: Connection, statement: str, parameters: tuple[Any, ...] = ()) -> list[Any]:
    """The rows ``statement`` returns (none for a write), run on ``connection`` in its transaction."""
    dispatch = connection.dispatch
    if dispatch.before_cursor_execute or dispatch.after_cursor_execute:
        result = connection.exec_driver_sql(statement, parameters)
        return list(result.fetchall()) if result.returns_rows else []
    error_class = connection.dialect.loaded_dbapi.Error
    cursor = connection.connection.cursor()
    try:
        cursor.execute(statement, parameters)
        return list(cursor.fetchall())
    except error_class as error:
        raise DBAPIError.instance(statement, parameters, error, error_class) from error
    finally:
        cursor.close()


def core_rows(session: Session, statement: Executable, parameters: Mapping[str, Any] | None = None
              ) -> Result[*tuple[Any, ...]]:
    """``statement`` (a select of columns, no ORM objects) run on the unit of work's connection as
    SQLAlchemy Core runs it: the same rows, the same column types processed, in the same
    transaction, without the ORM's handling of a statement that loads no objects (on the provider
    page's two dozen small reads that handling cost twice SQLite's work and Core's together: issue
    22). Changes pending in the unit of work are flushed first, as the ORM's autoflush would."""
    if session.autoflush:
        session.flush()  # nothing to do (and next to no cost) in a read
    return session.connection().execute(statement, parameters)
