"""What a sync or a bundle brought in, said about people and places: "Jo Morgan's changes arrived:
the visit to Harbour View on 22 Nov 2026, and 3 providers (Maple Lodge, Cedar Family Centre,
Willow House)" rather than "660 change(s) received … 6 record(s) waiting".
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from qa_desktop.store.models import Op, Provider, Setting, Visit
from qa_desktop.store.oplog import CHUNK

#: Places named one by one; past this many, the rest are counted.
NAMED = 3


def people(names: Collection[str]) -> str:
    """"Jo Morgan", "Jo Morgan and Sam Lee", "Jo Morgan, Sam Lee and 2 others"."""
    ordered = sorted(set(names), key=str.casefold)
    if len(ordered) <= 2:
        return " and ".join(ordered)
    if len(ordered) == 3:
        return f"{ordered[0]}, {ordered[1]} and {ordered[2]}"
    return f"{ordered[0]}, {ordered[1]} and {len(ordered) - 2} others"


def listed(words: list[str], noun: str) -> str:
    """"Maple Lodge", "3 providers (A, B, C)", "14 providers (A, B, C and 11 more)"."""
    if len(words) == 1:
        return words[0]
    shown = ", ".join(words[:NAMED]) + (f" and {len(words) - NAMED} more" if len(words) > NAMED else "")
    return f"{len(words)} {noun} ({shown})"


def changes_in_words(session: Session, *, providers: Collection[str], visits: Collection[str],
                     ops: Collection[str], me: str, records: Mapping[str, Collection[str]] | None = None) -> str:
    """One sentence: whose changes arrived, and which visits and providers they were to. Empty
    when nothing arrived. Who: the writers of ``ops``; where those are not known (a sync names the
    records it changed), the writers of the changes to ``records`` that came from elsewhere."""
    actors: set[str] = set()
    wanted = sorted(ops)
    for start in range(0, len(wanted), CHUNK):
        actors.update(session.scalars(select(Op.actor).where(Op.op_id.in_(wanted[start:start + CHUNK]))).all())
    if not wanted and records:
        for entity, ids in records.items():
            listed_ids = sorted(ids)
            for start in range(0, len(listed_ids), CHUNK):
                actors.update(session.scalars(select(Op.actor).distinct().where(
                    Op.entity == entity, Op.entity_id.in_(listed_ids[start:start + CHUNK]),
                    Op.received_from.is_not(None))).all())
    others = actors - {me}
    places: list[str] = []
    visit_words = []
    for visit_id in sorted(visits)[:NAMED + 1]:
        row = session.execute(select(Visit.visit_date, Setting.name).join(Setting, Visit.setting_id == Setting.id)
                              .where(Visit.id == visit_id)).first()
        if row is not None:
            visit_words.append(f"the visit to {row.name} on {row.visit_date:%d %b %Y}")
    if visit_words:
        more = len(visits) - len(visit_words)
        extra = f" and {more} more visit{'s' if more != 1 else ''}" if more > 0 else ""
        places.append(", ".join(visit_words) + extra)
    provider_ids = sorted(providers)
    names = sorted(name for start in range(0, len(provider_ids), CHUNK) for name in session.scalars(
        select(Provider.name).where(Provider.id.in_(provider_ids[start:start + CHUNK]))))
    if names and (not visit_words or len(names) > len(visit_words)):
        places.append(listed(names, "providers"))
    if not places and not others:
        return ""
    who = f"{people(others)}'s changes arrived" if others else "Changes arrived"
    if len(others) > 1:
        who = f"Changes from {people(others)} arrived"
    return f"{who}: {'; '.join(places)}." if places else f"{who}."
