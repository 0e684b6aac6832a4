"""What one read asks for more than once, read once for that read alone.

A provider's page gathers a dozen lists in one unit of work, and several of them ask the same thing
underneath: the embargoes in force (the sanctions, the warnings and Figure 7 each), the open
regulatory alerts (the sanctions and the warnings), this year's risk rating, the council's framework
(due, ratings, history). Inside ``remembering(session)`` each is read once and handed to every
asker; outside it (any other read, and every write, where what was read may have just changed)
nothing is remembered and each call reads as before.

Only for reads that cannot change what they remember: ``remembering`` is used around a read-only
unit of work (``services.provider_page``), and lists are handed out as copies."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy.orm import Session

T = TypeVar("T")
_KEY = "qa_desktop.remembered"


@contextmanager
def remembering(session: Session) -> Iterator[None]:
    """Within this block, ``remembered`` reads on ``session`` are made once each."""
    outer = _KEY in session.info
    if not outer:
        session.info[_KEY] = {}
    try:
        yield
    finally:
        if not outer:
            session.info.pop(_KEY, None)


def remembered(session: Session, key: Hashable, read: Callable[[], T]) -> T:
    """``read()``, or what it gave earlier in the same ``remembering`` block."""
    memo = session.info.get(_KEY)
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]
