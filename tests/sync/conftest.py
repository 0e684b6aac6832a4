"""Fixtures for sync: several laptops (stores) and the stores they share."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.visits import VisitLevel, VisitReason
from qa_desktop.forms.checklist import MET, NOT_MET
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.services.register import add_provider, add_setting
from qa_desktop.services.visits import open_visit, start_visit
from qa_desktop.store.database import Store
from qa_desktop.store.models import SYNCED_MODELS, FieldHeads
from qa_desktop.sync.folder import FolderStore

DAY = dt.date(2026, 11, 22)


@pytest.fixture
def laptops(tmp_path: Path):
    """``laptops("alex", "jo")`` opens one store per officer, each in its own folder."""
    opened: list[Store] = []

    def open_(*actors: str) -> list[Store]:
        for actor in actors:
            opened.append(Store(tmp_path / f"laptop-{actor}", actor=actor))
        return opened[-len(actors):]

    yield open_
    for store in opened:
        store.close()


@pytest.fixture
def folder(tmp_path: Path) -> FolderStore:
    return FolderStore(tmp_path / "shared")


@pytest.fixture(scope="session")
def library() -> TemplateLibrary:
    return TemplateLibrary.load()


def make_visit(store: Store, library: TemplateLibrary, *, announced: bool = False) -> str:
    with store.write() as changes:
        provider = add_provider(changes, name="Harbour View", service_type=ServiceType.RESIDENTIAL, urn="SC700105")
        setting = add_setting(changes, provider, name="Harbour View", postcode="CT9 1AA")
    return start_visit(store, library, setting_id=setting.id, visit_date=DAY, level=VisitLevel.FULL,
                       announced=announced, officers=["Alex Patel", "Jo Morgan"], reason=VisitReason.CONCERN_RAISED)


def first_items(store: Store, visit_id: str, count: int) -> list[tuple[str, str]]:
    """(template, item) keys of the first choice items of a visit."""
    visit = open_visit(store, visit_id)
    keys = []
    for key, checklist in visit.checklists.items():
        for item in checklist.template.items:
            if item.response.value == "met_not_met":
                keys.append((key, item.key))
    return keys[:count]


def awkward_answers(store: Store, library: TemplateLibrary) -> str:
    """A new visit with three items each answered met, noted in words that need escaping in JSON
    (quotes, an accent, a line separator) and answered not met over it: its id. A pull stores
    these changes as their laptop stored them (``ops_of``)."""
    visit_id = make_visit(store, library)
    for number, (template, item) in enumerate(first_items(store, visit_id, 3)):
        open_visit(store, visit_id).set_answer(template, item, MET)
        open_visit(store, visit_id).set_note(template, item, f"Zo\u00eb said \"fine\" \u2028 {number}")
        open_visit(store, visit_id).set_answer(template, item, NOT_MET)
    return visit_id


def ops_of(store: Store, device_id: str) -> list[tuple]:
    """The log's rows of ``device_id``'s changes as stored (the texts and their storage classes), sorted."""
    columns = ("op_id, entity, entity_id, field, value, typeof(value), hlc, device_id, actor, base, typeof(base), "
               "redacted, wall, dseq, chain, vhash")
    with store.read() as session:
        return sorted(tuple(row) for row in session.connection().exec_driver_sql(
            f"SELECT {columns} FROM ops WHERE device_id = ?", (device_id,)))


def snapshot(store: Store) -> dict:
    """Everything synced a laptop shows, without bookkeeping: equal snapshots = same state."""
    state = {}
    with store.read() as session:
        for model in SYNCED_MODELS:
            table = model.__table__
            columns = [c for c in table.columns
                       if c.name not in ("created_at", "updated_at", "changed_by", "device_id")]
            for row in session.execute(select(*columns)):
                state[(table.name, row.id)] = tuple(row)
        state["conflicts"] = sorted((h.entity, h.entity_id, h.field, tuple(sorted(h.heads)), h.conflict)
                                    for h in session.scalars(select(FieldHeads)))
    return state


def photo_in(folder: FolderStore, digest: str, visit_id: str) -> Path:
    """Where a shared folder keeps a visit's photo: sealed, under a keyed hash of it and its visit."""
    name = folder.team.photo_name(digest, visit_id)
    return folder.root / "photos" / name[:2] / name


def change_files(folder: FolderStore, laptop: Store | None = None) -> list[Path]:
    """A shared folder's change files (one laptop's, or everyone's), in order."""
    root = folder.root / "changes" / laptop.device_id if laptop is not None else folder.root / "changes"
    return sorted(p for p in root.rglob("*.ops") if p.is_file())
