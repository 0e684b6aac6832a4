"""The schema revision this version of QA Desktop brings, read without SQLAlchemy or Alembic.

Kept apart from ``store.database`` so that the window's first look at the register
(``store.first_look``) can tell whether the data file is at this version's schema before
SQLAlchemy is imported (issue 22's cold start).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

_REVISION = re.compile(r'^(down_revision|revision)\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|None)\s*$', re.MULTILINE)


@functools.cache
def schema_head() -> str:
    """The newest schema revision this version of QA Desktop brings (its migrations' head).

    Read from the revision files' own ``revision``/``down_revision`` lines (the one no other
    follows), so a start with nothing to migrate does not import Alembic (a third of a second of
    a cold start); Alembic's own answer when the files cannot be read so (a test keeps them equal)."""
    revisions: set[str] = set()
    followed: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = {m.group(1): m.group(2) or m.group(3) for m in _REVISION.finditer(path.read_text(encoding="utf-8"))}
        if found.get("revision"):
            revisions.add(found["revision"])
            if found.get("down_revision"):
                followed.add(found["down_revision"])
    heads = revisions - followed
    if len(heads) == 1:
        return heads.pop()
    from alembic.script import ScriptDirectory

    from qa_desktop.store.database import alembic_config

    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""
