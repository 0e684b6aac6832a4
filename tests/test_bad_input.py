"""Bad input never loses data: malformed provider files, broken templates, corrupted bundles and sync
files, files that are not pictures, huge images and overlong text. Each gets a clear error (or is
used where it is fine), and everything already stored stays as it was. Hypothesis makes the inputs;
the example counts are in each ``settings``."""

from __future__ import annotations

import io
import random
import zipfile

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from PIL import Image
from sqlalchemy import select, text

from qa_desktop.forms.library import library_for
from qa_desktop.forms.template import ResponseType
from qa_desktop.safe_text import ControlCharacters, control_characters
from qa_desktop.services.demo import load_demo
from qa_desktop.services.provider_import import ImportFileError, import_providers
from qa_desktop.services.visits import open_visit
from qa_desktop.store.blobs import BlobError
from qa_desktop.store.database import Store
from qa_desktop.store.models import Provider
from qa_desktop.sync.bundle import export_bundle, import_bundle
from qa_desktop.sync.engine import sync
from qa_desktop.sync.folder import FolderStore
from qa_desktop.sync.wire import SyncFileError
from tests.conftest import TODAY
from tests.sync.conftest import make_visit, snapshot

FIXTURES = {"suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow], "deadline": None}
HEADER = ("URN,Provision type,Registration status,Sector,Name,Address 1,Address 2,Town,County,Postcode,"
          "Local authority,Places,Organisation which owns the provider,Latest full inspection date,"
          "Overall experiences and progress of children and young people")

cell = st.one_of(st.sampled_from(["", "NULL", "REDACTED", "Children's home", "Good", "Inadequate", "31/02/2024",
                                  "2024-13-45", "-3", "9" * 30, '"quoted, with comma"', "Zoë\nŁukasz", "\x00"]),
                 st.text(max_size=40))
GOOD = ["Children's home", "Active", "Private", "Oak House", "1 High Street", "", "Chatham", "Kent", "ME4 4AA",
        "Medway", "3", "Oak Care Ltd", "01/02/2024", "Good"]
# mostly a sensible row, with any cell replaced by something odd, and sometimes too few or too many cells
row = st.tuples(*[st.one_of(st.just(good), st.just(good), cell) for good in GOOD]).flatmap(
    lambda cells: st.integers(8, 16).map(lambda n: ",".join((list(cells) + ["extra"] * 3)[:n])))
urn = st.one_of(st.from_regex(r"SC9[0-9]{5}", fullmatch=True), st.just(""), st.text(max_size=8))


def register(store: Store) -> dict[str, str]:
    with store.read() as session:
        return {p.urn or p.id: p.name for p in session.scalars(select(Provider).where(Provider.deleted.is_(False)))}


def intact(store: Store) -> None:
    with store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"


@pytest.fixture
def demo(store):
    load_demo(store, today=TODAY)
    store.demo_register = register(store)  # what was there before any bad file
    return store


@settings(max_examples=60, **FIXTURES)
@given(header=st.one_of(st.just(HEADER), st.just(HEADER), st.text(max_size=60),
                        st.just(HEADER.replace("URN", "Unique ref"))),
       rows=st.lists(st.tuples(urn, row), max_size=12), encoding=st.sampled_from(["utf-8", "utf-8", "cp1252", "raw"]),
       raw=st.binary(max_size=200))
def test_malformed_provider_files_never_change_what_is_there(demo, tmp_path, header, rows, encoding, raw):
    lines = [header] + [f"{u},{r}" for u, r in rows]
    content = "\n".join(lines)
    data = raw if encoding == "raw" else content.encode(encoding, errors="replace")
    path = tmp_path / "providers.csv"
    path.write_bytes(data)
    try:
        report = import_providers(demo, path)
    except ImportFileError as error:
        event("file refused")
        assert str(error) and "providers.csv" in str(error)  # says which file
    else:
        event(f"file read: rows added {bool(report.added)}, rows skipped {bool(report.skipped)}")
        for skipped in report.skipped:
            assert skipped.line >= 2 and skipped.reason
    after = register(demo)
    # the demo's providers are untouched (random URNs are SC9xxxxx, never the demo's SC7001xx); a
    # provider an earlier example imported may rightly be updated by a later one with its URN
    for key, name in demo.demo_register.items():
        assert after.get(key) == name, key
    intact(demo)


yaml_fragment = st.one_of(
    st.sampled_from(["key: x", "version: 1", "version: -1", "title: T", "sections: []", "sections:\n  - key: s",
                     "  items: [{key: a, label: A, response: met_not_met}]", "response: nonsense",
                     "audience: young_inspector", "{", "]", "\t", "key: [", "scopes: [full]", "kind: visit"]),
    st.text(max_size=30))


@settings(max_examples=60, **FIXTURES)
@given(parts=st.lists(yaml_fragment, max_size=10))
def test_broken_team_templates_are_named_and_the_built_in_ones_still_work(store, parts):
    folder = store.data_dir / "templates"
    folder.mkdir(exist_ok=True)
    (folder / "team_form.yaml").write_text("\n".join(parts), encoding="utf-8")
    library = library_for(store.data_dir)
    keys = {t.key for t in library.latest()}
    assert {"property_standards", "compliance_areas", "young_inspector"} <= keys
    for broken in library.broken:
        assert broken.problems and all(str(p) for p in broken.problems)


def _mutations(data: bytes, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    cut = rng.randrange(1, len(data))
    flipped = bytearray(data)
    for _ in range(rng.randrange(1, 8)):
        flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
    return [data[:cut], bytes(flipped), data[:cut] + bytes(rng.randrange(1, 200)) + data[cut:],
            bytes(rng.randrange(256) for _ in range(rng.randrange(0, 300)))]


@settings(max_examples=25, **FIXTURES)
@given(seed=st.integers(0, 2**32 - 1))
def test_corrupted_bundles_are_refused_and_change_nothing(tmp_path_factory, seed):
    base = tmp_path_factory.mktemp("bundle")
    source, target = Store(base / "a", actor="alex"), Store(base / "b", actor="jo")
    from qa_desktop.forms.library import TemplateLibrary
    visit_id = make_visit(source, TemplateLibrary.load())
    exported = export_bundle(source, base / "visit.qabundle", visit_id=visit_id)
    good = exported.path.read_bytes()
    before = snapshot(target)
    for number, damaged in enumerate(_mutations(good, seed)):
        path = base / f"damaged-{number}.qabundle"
        path.write_bytes(damaged)
        try:
            import_bundle(target, path, code=exported.code)
        except SyncFileError as error:
            event("bundle refused")
            assert path.name in str(error)
            assert snapshot(target) == before  # refused whole: nothing half-applied
        else:
            assert open_visit(target, visit_id).checklists  # the change was harmless: it imported whole
            before = snapshot(target)
    intact(target)
    source.close(), target.close()


@settings(max_examples=25, **FIXTURES)
@given(seed=st.integers(0, 2**32 - 1))
def test_corrupted_sync_files_are_named_and_skipped_and_lose_nothing(tmp_path_factory, seed):
    base = tmp_path_factory.mktemp("sync")
    alex, jo = Store(base / "alex", actor="alex"), Store(base / "jo", actor="jo")
    from qa_desktop.forms.library import TemplateLibrary
    make_visit(jo, TemplateLibrary.load())
    folder = FolderStore(base / "shared")
    sync(alex, folder)
    (segment,) = sorted((folder.root / "changes").rglob("*.ops")) or [None]
    if segment is None:  # alex had nothing to push: make one
        from qa_desktop.domain.service_types import ServiceType
        from qa_desktop.services.register import add_provider
        with alex.write() as changes:
            add_provider(changes, name="Oak House", service_type=ServiceType.SUPPORTED_ACCOMMODATION)
        sync(alex, folder)
        (segment,) = sorted((folder.root / "changes").rglob("*.ops"))
    good = segment.read_bytes()
    jo_before = snapshot(jo)
    for damaged in _mutations(good, seed):
        segment.write_bytes(damaged)
        report = sync(jo, folder, push=False)  # never raises: the damaged file is named and skipped
        if report.problems:
            assert any(segment.name in problem for problem in report.problems)
        intact(jo)
    assert all(key in snapshot(jo) for key in jo_before)  # nothing of jo's own was lost
    segment.write_bytes(good)
    sync(jo, folder)
    assert ("providers", next(iter(k[1] for k in snapshot(alex) if k[0] == "providers"))) in snapshot(jo)
    alex.close(), jo.close()


@settings(max_examples=30, **FIXTURES)
@given(data=st.binary(max_size=2000), name=st.sampled_from(["photo.jpg", "photo.png", "IMG_0001.JPG", "x.heic"]))
def test_files_that_are_not_pictures_are_refused_in_words(store, tmp_path, data, name):
    from qa_desktop.forms.library import TemplateLibrary
    visit = open_visit(store, make_visit(store, TemplateLibrary.load())) if not hasattr(store, "_bad_visit") else None
    if visit is not None:
        store._bad_visit = visit
    visit = store._bad_visit
    template, item = next((key, i.key) for key, c in visit.checklists.items() for i in c.visible_items()
                          if i.response is ResponseType.MET_NOT_MET)
    path = tmp_path / name
    path.write_bytes(data)
    before = visit.checklists[template].record(item).evidence[:]
    try:
        visit.attach_photo(template, item, path, "caption")
    except BlobError as error:
        assert name in str(error)
        assert open_visit(store, visit.visit_id).checklists[template].record(item).evidence == before


def test_huge_images_are_shrunk_or_refused_and_never_exhaust_memory(store, tmp_path):
    from qa_desktop.forms.library import TemplateLibrary
    visit = open_visit(store, make_visit(store, TemplateLibrary.load()))
    template, item = next((key, i.key) for key, c in visit.checklists.items() for i in c.visible_items()
                          if i.response is ResponseType.MET_NOT_MET)
    Image.new("1", (40000, 40000)).save(tmp_path / "bomb.png")  # 1.6 gigapixels in a few kB
    with pytest.raises(BlobError, match=r"bomb.png is not a photo"):
        visit.attach_photo(template, item, tmp_path / "bomb.png")
    Image.new("RGB", (9000, 6000), (40, 90, 160)).save(tmp_path / "big.jpg", quality=60)
    blob = visit.attach_photo(template, item, tmp_path / "big.jpg", "A big panorama")
    with Image.open(io.BytesIO(store.blobs.read(blob))) as stored:
        assert max(stored.size) == 2048


@settings(max_examples=40, **FIXTURES)
@given(note=st.text(min_size=1, max_size=20000))
def test_overlong_and_odd_text_is_kept_exactly(store, note):
    from qa_desktop.forms.library import TemplateLibrary
    if not hasattr(store, "_text_visit"):
        store._text_visit = make_visit(store, TemplateLibrary.load())
    visit = open_visit(store, store._text_visit)
    template, checklist = next(iter(visit.checklists.items()))
    item = checklist.visible_items()[1].key
    before = visit.checklists[template].record(item).note
    if control_characters(note):  # refused in words, and the note as it was is kept (issue 15)
        with pytest.raises(ControlCharacters, match=r"^Answer note contains"):
            visit.set_note(template, item, note)
        assert open_visit(store, store._text_visit).checklists[template].record(item).note == before
        return
    visit.set_note(template, item, note)
    assert open_visit(store, store._text_visit).checklists[template].record(item).note == note


def test_a_megabyte_note_is_saved_and_its_report_is_made(store):
    from qa_desktop.forms.library import TemplateLibrary
    from qa_desktop.services.reports import write_visit_report
    visit_id = make_visit(store, TemplateLibrary.load())
    visit = open_visit(store, visit_id)
    template, checklist = next(iter(visit.checklists.items()))
    item = checklist.visible_items()[1].key
    big = ("The lounge carpet is worn through by the door. " * 22000)[:1_000_000]
    visit.set_note(template, item, big)
    assert open_visit(store, visit_id).checklists[template].record(item).note == big
    short = ("Sofa torn; " * 6000)
    visit.set_note(template, item, short)  # a 66,000-character note in the report: wraps over pages
    result = write_visit_report(store, visit_id)
    assert result.pages > 10


def test_a_zip_that_is_not_a_bundle_is_refused(store, tmp_path):
    path = tmp_path / "photos.qabundle"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("holiday.jpg", b"\xff\xd8 not ours")
    before = snapshot(store)
    with pytest.raises(SyncFileError, match=r"photos.qabundle"):
        import_bundle(store, path)
    assert snapshot(store) == before
