"""Wrong clocks (issue 14, "Clocks"): the audit trail shows when each edit was made by the laptop that
made it, and the hybrid clock only orders; a clock value far ahead of this laptop's is held and
named, not adopted, while the rest of the sync goes on; a clock value that cannot be a date is
refused with its file's name. Laptops 5 minutes, 2 days and 10 years apart converge.

The engine does not call ``release_due`` yet: these tests call it themselves.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator

import pytest
from sqlalchemy import func, insert, select

from qa_desktop.clock import Clock
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.forms.checklist import MET, NOT_APPLICABLE, NOT_MET
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.services.audit import AuditLine, provider_audit, visit_audit
from qa_desktop.services.register import add_provider
from qa_desktop.services.visits import open_visit
from qa_desktop.store.changes import derived_id, new_id
from qa_desktop.store.database import Store
from qa_desktop.store.hlc import EARLIEST_MS, LATEST_MS, MAX_AHEAD, MAX_AHEAD_MS, Hlc
from qa_desktop.store.models import HeldOp, Op, Visit
from qa_desktop.store.oplog import OpRecord, state_of
from qa_desktop.sync.engine import SyncReport, sync
from qa_desktop.sync.held import accept_held, held_count, held_summary, release_due
from qa_desktop.sync.merge import apply_ops
from qa_desktop.sync.wire import SyncFileError, decode_ops, op_from_wire
from tests.conftest import CLOCK_START
from tests.sync.conftest import first_items, make_visit, snapshot

MINUTE = dt.timedelta(minutes=1)
DAY = dt.timedelta(days=1)
TEN_YEARS = dt.timedelta(days=3653)
Key = tuple[str, str]


@pytest.fixture
def laptop(tmp_path) -> Iterator:
    """``laptop("jo", skew)``: a laptop whose clock reads ``skew`` away from the right time."""
    opened: list[Store] = []

    def open_(actor: str, skew: dt.timedelta = dt.timedelta(0)) -> Store:
        store = Store(tmp_path / f"laptop-{actor}", actor=actor, clock=Clock.starting_at(CLOCK_START + skew))
        opened.append(store)
        return store

    yield open_
    for store in opened:
        store.close()


def ms(when: dt.datetime) -> int:
    return int(when.timestamp() * 1000)


def trail(store: Store, visit_id: str) -> list[AuditLine]:
    with store.read() as session:
        return visit_audit(session, visit_id)


def answer_line(store: Store, visit_id: str, key: Key, who: str, field: str = "value") -> AuditLine:
    """The newest audit line of ``who`` for an answer's field."""
    return next(line for line in trail(store, visit_id)
                if line.who == who and line.field == field and line.what.startswith("Answer: ")
                and line.op_id in _ops_of(store, visit_id, key, field))


def _ops_of(store: Store, visit_id: str, key: Key, field: str) -> set[str]:
    with store.read() as session:
        return set(session.scalars(select(Op.op_id).where(Op.entity == "answers", Op.field == field,
                                                          Op.entity_id == derived_id("answer", visit_id, *key))))


def shows(store: Store, visit_id: str, key: Key, value: object, field: str = "value") -> str | None:
    """"current" when the field shows ``value``, "conflict" when it is a losing value kept in a
    conflict, ``None`` when it is nowhere."""
    with store.read() as session:
        state = state_of(session, "answers", derived_id("answer", visit_id, *key), field)
    if state is None:
        return None
    if state.value == value:
        return "current"
    return "conflict" if state.conflict and value in [h.value for h in state.heads] else None


def assert_on_time(store: Store, when: dt.datetime) -> None:
    """``when`` (an edit's time in the audit) is this laptop's own now, and its hybrid clock was not
    moved into anyone's future."""
    now = store.clock.now()
    assert abs(when - now) < MINUTE, (when, now)
    assert store.hlc.last.wall_ms - store.clock.wall_ms() < MINUTE // dt.timedelta(milliseconds=1)


def held_words_in(reports: list[SyncReport]) -> list[str]:
    return [p for report in reports for p in report.problems if " held: its clock is " in p]


def _count_of(words: str) -> int:
    return int(words.split(" ", 1)[0])


# -- the findings, as the issue reports them ----------------------------------------------------------

def test_a_correct_laptops_own_edit_keeps_its_time_after_syncing_with_a_laptop_two_days_fast(
        laptop, folder, library: TemplateLibrary):
    """Was: the correct laptop adopted the fast clock, and its own next edit showed 48 h ahead."""
    alex, jo = laptop("alex"), laptop("Jo Morgan", dt.timedelta(days=2))
    visit_id = make_visit(alex, library)
    sync(alex, folder), sync(jo, folder)
    first, second = first_items(alex, visit_id, 2)
    open_visit(jo, visit_id).set_answer(*first, NOT_MET)
    sync(jo, folder)

    report = sync(alex, folder)
    assert report.pulled == 0
    (words,) = held_words_in([report])
    assert words.startswith(f"{_count_of(words)} changes from Jo Morgan's laptop (device {jo.device_id[:8]}) "
                            f"(from {folder.label}) are held: its clock is 2 days ahead of this laptop's. They are "
                            "kept, and applied when this laptop's clock reaches 23 Nov 2026")
    assert ("or sooner if an officer accepts them. If this laptop's own date and time are wrong, correct them: "
            "they then apply at the next sync.") in words
    with alex.read() as session:
        assert held_summary(session) == [words]
        assert held_count(session) == _count_of(words)

    open_visit(alex, visit_id).set_answer(*second, MET)
    assert_on_time(alex, answer_line(alex, visit_id, second, "alex").when)
    assert shows(alex, visit_id, first, NOT_MET) is None  # held, not applied
    # and jo's own edit shows jo's own (wrong) time on jo's laptop: when jo's clock said it was made
    jo_line = answer_line(jo, visit_id, first, "Jo Morgan")
    assert abs(jo_line.when - (CLOCK_START + dt.timedelta(days=2))) < MINUTE and not jo_line.estimated


def test_a_change_file_dated_2100_is_held_and_later_changes_everywhere_keep_their_time(
        laptop, folder, library):
    """Was: every later change on every laptop read 2100."""
    alex, jo = laptop("alex"), laptop("jo")
    mallory = laptop("mallory", dt.datetime(2100, 1, 1, tzinfo=dt.UTC) - CLOCK_START)
    visit_id = make_visit(alex, library)
    for officer in (alex, jo, mallory):
        sync(officer, folder)
    with mallory.write() as changes:  # one change, in a change file dated 2100
        changes.update(changes.session.get(Visit, visit_id), officers=["Someone Else"])
    sync(mallory, folder)
    (key,) = first_items(alex, visit_id, 1)
    for officer, value in ((alex, MET), (jo, NOT_MET)):
        (words,) = held_words_in([sync(officer, folder)])
        assert words.startswith(f"1 change from mallory's laptop (device {mallory.device_id[:8]})")
        assert "is held: its clock is 73 years ahead" in words and "clock reaches 31 Dec 2099" in words
        open_visit(officer, visit_id).set_answer(*key, value)
        assert_on_time(officer, answer_line(officer, visit_id, key, officer.actor).when)
    sync(alex, folder), sync(jo, folder), sync(alex, folder)
    assert snapshot(alex) == snapshot(jo)
    for officer in (alex, jo):
        with officer.read() as session:
            newest = session.scalar(select(func.max(Op.hlc)))
            assert Hlc.parse(newest).at < CLOCK_START + dt.timedelta(hours=1)  # nothing in the log reads 2100
            assert held_count(session) == 1
            assert session.get(Visit, visit_id).officers == ["Alex Patel", "Jo Morgan"]


def test_a_file_with_a_clock_value_that_cannot_be_a_date_is_refused_by_name_and_sync_goes_on(
        laptop, folder, library):
    """Was: "year 318857 is out of range", and no sync for anyone, without naming the file."""
    alex, jo, mallory = laptop("alex"), laptop("jo"), laptop("mallory")
    visit_id = make_visit(alex, library)
    for officer in (alex, jo, mallory):
        sync(officer, folder)
    with mallory.transaction() as session:  # the largest clock value there is, in mallory's next change file
        session.execute(insert(Op.__table__).values(
            op_id=new_id(), entity="visits", entity_id=visit_id, field="officers", value=["Someone Else"],
            hlc="9999999999999999:99999", device_id=mallory.device_id, actor="mallory", base=[], wall=None,
            received_from=None))
    sync(mallory, folder)
    (key,) = first_items(alex, visit_id, 1)
    open_visit(jo, visit_id).set_answer(*key, NOT_MET)
    sync(jo, folder)

    report = sync(alex, folder)  # does not raise
    (refused,) = [p for p in report.problems if mallory.device_id in p]  # the file, by its name
    assert "clock value that cannot be a date (the year 318857)" in refused
    assert shows(alex, visit_id, key, NOT_MET) == "current"  # the rest of the sync went on
    with alex.read() as session:
        assert held_count(session) == 0
        assert session.get(Visit, visit_id).officers == ["Alex Patel", "Jo Morgan"]


# -- laptops minutes, days and years apart -------------------------------------------------------------

@pytest.mark.parametrize("skew", [5 * MINUTE, -5 * MINUTE], ids=["5 min ahead", "5 min behind"])
def test_laptops_minutes_apart_sync_as_normal(laptop, folder, library, skew):
    alex, jo, sam = laptop("alex"), laptop("jo", skew), laptop("sam")
    visit_id = make_visit(alex, library)
    for officer in (alex, jo, sam):
        sync(officer, folder)
    keys = first_items(alex, visit_id, 3)
    open_visit(jo, visit_id).set_answer(*keys[0], NOT_MET)
    open_visit(sam, visit_id).set_answer(*keys[0], MET)
    open_visit(alex, visit_id).set_answer(*keys[1], NOT_APPLICABLE)
    reports = [sync(officer, folder) for officer in (jo, sam, alex, jo, sam, alex)]
    assert held_words_in(reports) == []
    assert snapshot(alex) == snapshot(jo) == snapshot(sam)
    for officer in (alex, jo, sam):
        assert {shows(officer, visit_id, keys[0], NOT_MET), shows(officer, visit_id, keys[0], MET)} == \
            {"current", "conflict"}
        assert shows(officer, visit_id, keys[1], NOT_APPLICABLE) == "current"
        with officer.read() as session:
            assert held_summary(session) == []
    line = answer_line(alex, visit_id, keys[0], "jo")
    assert abs(line.when - (CLOCK_START + skew)) < MINUTE


@pytest.mark.parametrize("how", ["accepted", "released"])
@pytest.mark.parametrize(("skew", "words"), [(dt.timedelta(days=2), "2 days"), (TEN_YEARS, "10 years")],
                         ids=["2 days ahead", "10 years ahead"])
def test_a_laptop_far_ahead_is_held_named_and_converges_once_accepted_or_caught_up(
        laptop, folder, library, skew, words, how):
    alex, jo, sam = laptop("alex"), laptop("jo", skew), laptop("sam")
    visit_id = make_visit(alex, library)
    for officer in (alex, jo, sam):
        sync(officer, folder)
    keys = first_items(alex, visit_id, 4)
    # offline: jo (fast) and sam answer the same item without seeing each other: a conflict to keep
    open_visit(jo, visit_id).set_answer(*keys[0], NOT_MET)
    open_visit(jo, visit_id).set_note(*keys[1], "Fire door wedged open")
    open_visit(sam, visit_id).set_answer(*keys[0], MET)
    open_visit(alex, visit_id).set_answer(*keys[2], NOT_APPLICABLE)
    reports = {officer.actor: [] for officer in (alex, jo, sam)}
    for officer in (jo, sam, alex, jo, sam, alex):
        reports[officer.actor].append(sync(officer, folder))

    assert held_words_in(reports["jo"]) == []
    for officer in (alex, sam):
        (said,) = held_words_in(reports[officer.actor])  # said once, at the sync that found them
        assert said.startswith(f"changes from jo's laptop (device {jo.device_id[:8]})", said.index(" ") + 1)
        assert f"are held: its clock is {words} ahead of this laptop's" in said
        with officer.read() as session:
            (summary,) = held_summary(session)
        assert "jo's laptop" in summary and f"its clock is {words} ahead" in summary
        # the rest of the sync went on: the correct laptops have each other's edits, not jo's
        assert shows(officer, visit_id, keys[0], MET) == "current"
        assert shows(officer, visit_id, keys[2], NOT_APPLICABLE) == "current"
        assert shows(officer, visit_id, keys[1], "Fire door wedged open", "note") is None
    # jo has everything (the others' clocks are behind jo's: nothing to hold)
    assert shows(jo, visit_id, keys[2], NOT_APPLICABLE) == "current"
    assert {shows(jo, visit_id, keys[0], NOT_MET), shows(jo, visit_id, keys[0], MET)} == {"current", "conflict"}

    # the correct laptops' own edits keep their own time, and their clocks stay where they are
    open_visit(alex, visit_id).set_answer(*keys[3], MET)
    assert_on_time(alex, answer_line(alex, visit_id, keys[3], "alex").when)
    sync(alex, folder)

    if how == "accepted":
        for officer in (alex, sam):
            with officer.transaction() as session:
                applied = accept_held(session)
            assert applied.new_ops > 0 and applied.max_hlc is None  # applied, not adopted
            assert_on_time(officer, officer.clock.now())
    else:  # time passes everywhere until the correct laptops' clocks are within the bound of jo's
        for officer in (alex, jo, sam):
            officer.clock.advance(skew - MAX_AHEAD + 10 * MINUTE)
        for officer in (alex, sam):
            with officer.read() as session:
                (summary,) = held_summary(session)
            assert ("are held: its clock was far ahead of this laptop's, which has caught up. They are applied at "
                    "the next sync.") in summary
            with officer.transaction() as session:
                assert release_due(session, officer.clock.wall_ms() - 20 * 60_000).new_ops == 0  # not yet
                applied = release_due(session, officer.clock.wall_ms())
                assert applied.new_ops > 0 and applied.max_hlc is not None
                officer.hlc.observe(Hlc.parse(applied.max_hlc))  # what the engine does with a pulled batch
    for officer in (alex, sam):
        with officer.read() as session:
            assert held_summary(session) == [] and held_count(session) == 0
        assert shows(officer, visit_id, keys[1], "Fire door wedged open", "note") == "current"

    # an edit made over an accepted (or released) value wins, whatever the fast clock said
    open_visit(alex, visit_id).set_note(*keys[1], "Fire door fixed")
    for _ in range(2):
        for officer in (jo, sam, alex):
            sync(officer, folder)
    assert snapshot(alex) == snapshot(jo) == snapshot(sam)
    for officer in (alex, jo, sam):  # every acknowledged edit: a current value or kept in a conflict
        assert {shows(officer, visit_id, keys[0], NOT_MET), shows(officer, visit_id, keys[0], MET)} == \
            {"current", "conflict"}
        assert shows(officer, visit_id, keys[1], "Fire door fixed", "note") == "current"
        assert shows(officer, visit_id, keys[2], NOT_APPLICABLE) == "current"
        assert shows(officer, visit_id, keys[3], MET) == "current"
        with officer.read() as session:
            assert held_count(session) == 0
    # everyone's audit shows jo's edit at jo's own time, alex's at alex's, in the order they were made
    for officer in (alex, jo, sam):
        jo_line = answer_line(officer, visit_id, keys[0], "jo")
        assert abs(jo_line.when - (CLOCK_START + skew)) < MINUTE
        lines = trail(officer, visit_id)
        assert [line.order for line in lines] == sorted((line.order for line in lines), reverse=True)


def test_accepted_changes_are_not_adopted_by_the_next_local_edit_nor_on_reopening(laptop, folder, library):
    alex, jo = laptop("alex"), laptop("jo", dt.timedelta(days=2))
    visit_id = make_visit(alex, library)
    sync(alex, folder), sync(jo, folder)
    (key,) = first_items(alex, visit_id, 1)
    open_visit(jo, visit_id).set_note(*key, "Fire door wedged open")
    sync(jo, folder), sync(alex, folder)
    with alex.transaction() as session:
        assert accept_held(session).max_hlc is None
    open_visit(alex, visit_id).set_note(*key, "Fire door fixed")  # made over jo's accepted note
    assert_on_time(alex, answer_line(alex, visit_id, key, "alex", "note").when)
    reopened = Store(alex.data_dir, actor="alex", key=alex.key, clock=alex.clock)
    try:
        assert reopened.hlc.last.wall_ms - alex.clock.wall_ms() < 60_000
    finally:
        reopened.close()


def test_a_laptop_ten_years_behind_applies_with_its_own_time_in_the_right_order(laptop, folder, library):
    alex, ben = laptop("alex"), laptop("ben", -TEN_YEARS)
    with ben.write() as changes:  # before ben has ever synced: stamped ten years ago by every clock
        seaview = add_provider(changes, name="Seaview", service_type=ServiceType.RESIDENTIAL, urn="SC799999").id
    visit_id = make_visit(alex, library)
    (key,) = first_items(alex, visit_id, 1)
    open_visit(alex, visit_id).set_answer(*key, MET)
    sync(alex, folder)

    # to ben, whose clock is behind, everyone else's clock is ten years ahead: held there, and said so
    (words,) = held_words_in([sync(ben, folder)])
    assert "from alex's laptop" in words and "its clock is 10 years ahead of this laptop's" in words
    assert "If this laptop's own date and time are wrong, correct them" in words
    # ben's own changes were sent all the same, and apply on the correct laptop, with ben's own time
    report = sync(alex, folder)
    assert held_words_in([report]) == [] and report.pulled > 0
    with alex.read() as session:
        (created,) = [line for line in provider_audit(session, seaview) if line.field == "name"]
        assert held_count(session) == 0
    assert abs(created.when - (CLOCK_START - TEN_YEARS)) < MINUTE and created.device == ben.device_id[:8]
    assert_on_time(alex, alex.clock.now())  # alex's clock did not move back (it never does)

    # ben's officer accepts alex's changes, and answers over alex's answer
    with ben.transaction() as session:
        assert accept_held(session).max_hlc is None
    open_visit(ben, visit_id).set_answer(*key, NOT_MET)
    sync(ben, folder), sync(alex, folder)
    assert shows(alex, visit_id, key, NOT_MET) == "current"  # ben's later edit wins: it was made over alex's
    assert shows(alex, visit_id, key, MET) is None  # written over, not a conflict
    for officer in (alex, ben):
        ben_line, alex_line = answer_line(officer, visit_id, key, "ben"), answer_line(officer, visit_id, key, "alex")
        assert abs(ben_line.when - (CLOCK_START - TEN_YEARS)) < MINUTE  # ben's own (wrong) time
        assert abs(alex_line.when - CLOCK_START) < MINUTE
        lines = trail(officer, visit_id)
        assert lines.index(ben_line) < lines.index(alex_line)  # newest first: ben's came after alex's
    sync(ben, folder), sync(alex, folder)
    assert snapshot(alex) == snapshot(ben)

    # ben's clock is put right: nothing is held any more, and ben's next edit has the right time
    ben.clock.set(CLOCK_START)
    open_visit(ben, visit_id).set_answer(*key, MET)
    assert_on_time(ben, answer_line(ben, visit_id, key, "ben").when)


# -- the merge's part, op by op --------------------------------------------------------------------------

def op(hlc_ms: int, device: str = "d0000000-0000-4000-8000-00000000000f", actor: str = "Jo Morgan") -> OpRecord:
    return OpRecord(new_id(), "providers", new_id(), "name", "Somewhere", Hlc(hlc_ms, 0).encode(), device, actor,
                    None, hlc_ms)


def test_apply_ops_holds_what_is_beyond_the_bound_once_and_applies_the_rest(store):
    now = ms(CLOCK_START)
    near, far, known = op(now + MAX_AHEAD_MS - 60_000), op(now + MAX_AHEAD_MS + 3_600_000), op(now + 2 * MAX_AHEAD_MS)
    with store.transaction() as session:
        assert apply_ops(session, [known], "store", now_ms=now + 2 * MAX_AHEAD_MS).new_ops == 1
    with store.transaction() as session:
        applied = apply_ops(session, [near, far, known, far], "store", source="devices/x/00000001.ops", now_ms=now)
        assert (applied.new_ops, applied.held_ops, applied.max_hlc) == (1, 1, near.hlc)  # far's not counted
        (words,) = applied.held
        assert words in applied.problems
        assert words.startswith("1 change from Jo Morgan's laptop (device d0000000) (from devices/x/00000001.ops) "
                                "is held: its clock is 25 hours ahead of this laptop's.")
        row = session.get(HeldOp, far.op_id)
        assert (row.received_from, row.source, row.op["hlc"]) == ("store", "devices/x/00000001.ops", far.hlc)
        assert row.held_at == CLOCK_START
        assert session.get(HeldOp, known.op_id) is None  # already in the log: not held
    with store.transaction() as session:
        again = apply_ops(session, [far], "store", now_ms=now)
        assert (again.new_ops, again.held_ops, again.held, again.max_hlc) == (0, 0, [], None)  # not held twice
        assert held_count(session) == 1
        assert release_due(session, now).new_ops == 0
        released = release_due(session, now + 2 * 3_600_000)  # 23 hours behind it now: within the bound
        assert (released.new_ops, released.max_hlc, released.changed) == (1, far.hlc, {("providers", far.entity_id)})
        assert held_count(session) == 0
        assert session.scalar(select(Op.received_from).where(Op.op_id == far.op_id)) == "store"


def test_the_source_defaults_to_the_store_and_accepting_one_laptop_leaves_the_others(store):
    now = ms(CLOCK_START)
    jo = [op(now + 3 * MAX_AHEAD_MS + n) for n in range(3)]
    kim = [op(now + 400 * MAX_AHEAD_MS, device="e0000000-0000-4000-8000-00000000000e", actor="Kim Lee")]
    with store.transaction() as session:
        applied = apply_ops(session, jo + kim, "folder:abc", now_ms=now)
        assert applied.held_ops == 4 and applied.new_ops == 0 and applied.max_hlc is None
        jo_words, kim_words = applied.held
        assert jo_words.startswith("3 changes from Jo Morgan's laptop (device d0000000) (from folder:abc) are held: "
                                   "its clock is 3 days ahead of this laptop's. They are kept")
        assert kim_words.startswith("1 change from Kim Lee's laptop (device e0000000) (from folder:abc) is held: "
                                    "its clock is 13 months ahead of this laptop's. It is kept")
        summary = held_summary(session)  # at the store's own clock: the same laptops
        assert len(summary) == 2 and summary[0].startswith("3 changes from Jo Morgan's laptop")
        accepted = accept_held(session, "d0000000-0000-4000-8000-00000000000f")
        assert (accepted.new_ops, accepted.max_hlc) == (3, None)
        (left,) = held_summary(session)
        assert left.startswith("1 change from Kim Lee's laptop")


def test_apply_ops_refuses_a_clock_value_that_cannot_be_a_date_from_a_store_that_does_not_check(store):
    """The change files are checked when read (``sync.wire``); ops from a server table are checked here."""
    bad = OpRecord(new_id(), "providers", new_id(), "name", "Somewhere", "9999999999999999:00000",
                   "d0000000-0000-4000-8000-00000000000f", "Jo Morgan")
    good = op(ms(CLOCK_START))
    with store.transaction() as session:
        applied = apply_ops(session, [bad, good], "postgresql:abc", source="PostgreSQL qa@db:5432/qa")
        assert (applied.new_ops, applied.held_ops, applied.max_hlc) == (1, 0, good.hlc)
        assert applied.problems == [("1 change(s) from Jo Morgan's laptop (device d0000000) (from PostgreSQL "
                                     "qa@db:5432/qa) have a clock value that cannot be a date; they were not used")]
        assert session.get(Op, bad.op_id) is None and held_count(session) == 0


@pytest.mark.parametrize(("hlc", "wall", "error"), [
    ("9999999999999999:99999", None, "clock value that cannot be a date (the year 318857)"),
    (Hlc(EARLIEST_MS - 1, 0).encode(), None, "clock value that cannot be a date (the year 1999)"),
    (Hlc(LATEST_MS + 1, 0).encode(), None, "clock value that cannot be a date"),
    (Hlc(EARLIEST_MS, 0).encode(), LATEST_MS + 1, "bad wall time"),
    (Hlc(EARLIEST_MS, 0).encode(), -1, "bad wall time"),
])
def test_a_change_with_a_clock_value_or_wall_time_that_cannot_be_a_date_is_refused(hlc, wall, error):
    item = {**op(ms(CLOCK_START)).as_dict(), "hlc": hlc, "wall": wall}
    with pytest.raises(ValueError, match=re.escape(error)):
        op_from_wire(item)
    with pytest.raises(SyncFileError, match=r"^devices/x/00000001\.ops: change 1 is unreadable"):
        decode_ops(json.dumps(item).encode(), "devices/x/00000001.ops")
    for fine in (Hlc(EARLIEST_MS, 0).encode(), Hlc(LATEST_MS, 99999).encode()):  # the first and last dates
        assert op_from_wire({**item, "hlc": fine, "wall": 0}).at.year in (2000, 9999)


def test_held_changes_are_named_in_the_sync_status_and_an_officer_accepts_them(laptop, folder, library, tmp_path):
    from qa_desktop.sync.engine import status
    from qa_desktop.workspace import Workspace

    alex, jo = laptop("alex", 0 * MINUTE), laptop("jo", 2 * DAY)
    visit_id = make_visit(alex, library)
    sync(alex, folder)
    sync(jo, folder)
    (template, item), = first_items(jo, visit_id, 1)
    open_visit(jo, visit_id).set_answer(template, item, NOT_MET)
    sync(jo, folder)
    sync(alex, folder)
    (words,) = status(alex).held
    assert "jo" in words and "2 days ahead" in words and status(alex).problems >= 1
    done = Workspace(alex).sync.accept_held()
    assert done.value >= 1 and done.changes.touches("answers") and status(alex).held == ()
    assert open_visit(alex, visit_id).checklists[template].answer(item) == NOT_MET
    assert alex.hlc.last.wall_ms < ms(CLOCK_START + DAY)  # this laptop's clock was not moved
