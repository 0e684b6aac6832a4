"""Property: whatever three laptops do, offline and in any order of syncs, once all have synced they
show the same state, the same current values and the same open conflicts (hypothesis)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from qa_desktop.domain.visits import VisitRuleError
from qa_desktop.forms.checklist import MET, NOT_APPLICABLE, NOT_MET
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.services.visits import open_visit
from qa_desktop.store.database import Store
from qa_desktop.store.models import Visit
from qa_desktop.sync.bundle import export_bundle, import_bundle
from qa_desktop.sync.conflicts import list_conflicts, resolve
from qa_desktop.sync.engine import sync
from qa_desktop.sync.folder import FolderStore
from tests.sync.conftest import first_items, make_visit, snapshot

LIBRARY = TemplateLibrary.load()
DEVICES = 3
ITEMS = 3
device = st.integers(0, DEVICES - 1)
item = st.integers(0, ITEMS - 1)
step = st.one_of(
    st.tuples(st.just("answer"), device, item, st.sampled_from([MET, NOT_MET, NOT_APPLICABLE, None])),
    st.tuples(st.just("note"), device, item, st.sampled_from(["", "Door wedged open", "Fire log seen"])),
    st.tuples(st.just("photo"), device, item, st.integers(0, 3)),
    st.tuples(st.just("officers"), device, st.just(0), st.sampled_from(["Sam Reid", "Kim Lee"])),
    st.tuples(st.just("resolve"), device, st.just(0), st.integers(0, 1)),
    st.tuples(st.just("delete"), device, st.just(0), st.just(None)),
    st.tuples(st.just("sync"), device, st.just(0), st.just(None)),
    st.tuples(st.just("bundle"), device, st.just(0), device),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(step, min_size=1, max_size=30))
def test_all_laptops_converge_whatever_the_edits_and_sync_order(steps):
    with tempfile.TemporaryDirectory() as folder_name:
        root = Path(folder_name)
        laptops = [Store(root / f"laptop-{n}", actor=f"officer{n}") for n in range(DEVICES)]
        try:
            shared = FolderStore(root / "shared")
            visit_id = make_visit(laptops[0], LIBRARY)
            for laptop in laptops:
                sync(laptop, shared)
            keys = first_items(laptops[0], visit_id, ITEMS)
            for number, (kind, who, which, extra) in enumerate(steps):
                laptop = laptops[who]
                template, item_key = keys[which]
                if kind in ("answer", "note", "photo"):
                    try:
                        open_visit(laptop, visit_id)
                    except VisitRuleError:  # deleted on this laptop: nothing to fill in
                        continue
                if kind == "answer":
                    visit = open_visit(laptop, visit_id)
                    if extra is None:
                        visit.clear_answer(template, item_key)
                    else:
                        visit.set_answer(template, item_key, extra)
                elif kind == "note":
                    open_visit(laptop, visit_id).set_note(template, item_key, extra)
                elif kind == "photo":
                    path = root / f"photo-{number}.jpg"
                    Image.new("RGB", (16, 16), (extra * 60, 10, 200)).save(path)
                    open_visit(laptop, visit_id).attach_photo(template, item_key, path, f"photo {extra}")
                elif kind == "officers":
                    with laptop.write() as changes:
                        changes.update(changes.session.get(Visit, visit_id), officers=["Alex Patel", extra])
                elif kind == "resolve":
                    conflicts = list_conflicts(laptop)
                    if conflicts:
                        values = conflicts[0].values
                        resolve(laptop, conflicts[0].key, values[min(extra, len(values) - 1)].value)
                elif kind == "delete":
                    with laptop.write() as changes:
                        changes.delete(changes.session.get(Visit, visit_id))
                elif kind == "sync":
                    sync(laptop, shared)
                elif kind == "bundle" and extra != who:
                    bundle = export_bundle(laptop, root / f"b{number}", visit_id=visit_id)
                    import_bundle(laptops[extra], bundle.path, code=bundle.code)
            for laptop in laptops + laptops:
                sync(laptop, shared)
            first = snapshot(laptops[0])
            for laptop in laptops[1:]:
                assert snapshot(laptop) == first
            for laptop in laptops:
                assert sync(laptop, shared).pulled == 0  # and one more sync changes nothing
        finally:
            for laptop in laptops:
                laptop.close()
