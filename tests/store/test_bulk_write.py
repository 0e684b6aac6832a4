"""The write path's bulk verbs (``Changes.create_many``/``update_many``): the same rows and the same
ops as ``create``/``update`` one at a time, so sync and the audit trail cannot tell them apart."""

import datetime as dt
import json
import uuid

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from qa_desktop.clock import Clock
from qa_desktop.domain.regulation import Judgement, Regulator
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.store import oplog
from qa_desktop.store.changes import json_text, op_value_text, ordered_ids
from qa_desktop.store.database import Store
from qa_desktop.store.hlc import Hlc, HybridClock
from qa_desktop.store.models import FieldHeads, Op, Provider, Setting
from tests.conftest import CLOCK_START

ROWS = [
    {"name": "Maple Lodge", "service_type": ServiceType.RESIDENTIAL, "urn": "SC700101", "judgement": Judgement.GOOD,
     "judgement_date": dt.date(2024, 5, 14), "capacity": 4, "regulator": Regulator.OFSTED, "organisation": None},
    {"name": "Zo\u00eb House", "service_type": ServiceType.SHORT_BREAKS, "urn": "SC700102", "notes": "=1+1 \u2028"},
]
IDS = ["11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"]


def _ops(store: Store) -> list[tuple]:
    """The log as its readers see it: a created row's one op as the per-field ops it stands for."""
    with store.read() as session:
        return sorted((o.entity, o.entity_id, o.field, json.dumps(o.value, sort_keys=True), tuple(o.base or ()),
                       o.device_id, o.actor, row.redacted)
                      for row in session.execute(select(Op.__table__)) for o in oplog.expand(oplog.op_record(row)))


def _read(session, entity_id: str) -> list[oplog.OpRecord]:
    """A row's ops as the log's readers see them (``oplog.expand``)."""
    return [o for row in session.execute(select(Op.__table__).where(Op.entity_id == entity_id))
            for o in oplog.expand(oplog.op_record(row))]


def _rows(store: Store, model: type) -> list[tuple]:
    with store.read() as session:
        table = model.__table__
        kept = [c for c in table.columns if c.name not in ("created_at", "updated_at", "device_id")]  # two laptops
        return sorted(tuple(r) for r in session.execute(select(*kept)))


def test_create_many_writes_the_rows_and_ops_create_would(tmp_path):
    one, many = Store(tmp_path / "one", actor="alex"), Store(tmp_path / "many", actor="alex")
    with one.write() as changes:
        for row_id, fields in zip(IDS, ROWS, strict=True):
            changes.create(Provider, id=row_id, **fields)
        changes.create(Setting, id=IDS[0][:-1] + "9", provider_id=IDS[0], name="Maple Lodge", postcode="ME1 2DQ")
    with many.write() as changes:
        changes.create_many(Provider, ROWS, IDS)
        changes.create_many(Setting, [{"provider_id": IDS[0], "name": "Maple Lodge", "postcode": "ME1 2DQ"}],
                            [IDS[0][:-1] + "9"])
        touched = set(changes.touched)
    assert touched == {("providers", IDS[0]), ("providers", IDS[1]), ("settings", IDS[0][:-1] + "9")}
    strip = lambda ops: [op[:5] + op[6:] for op in ops]  # noqa: E731 (the device differs: two laptops)
    assert strip(_ops(one)) == strip(_ops(many))
    with many.read() as session:  # one op per created row (``oplog.ROW_FIELD``), not one per field
        assert sorted(session.scalars(select(Op.field))) == [oplog.ROW_FIELD] * 3
    for model in (Provider, Setting):
        assert _rows(one, model) == _rows(many, model)
    with many.read() as session:  # read back through the ORM: types and zones as the ORM writes them
        maple = session.get(Provider, IDS[0])
        assert maple.judgement is Judgement.GOOD and maple.judgement_date == dt.date(2024, 5, 14)
        assert maple.created_at.tzinfo is dt.UTC and maple.changed_by == "alex" and maple.deleted is False


class _Stopped(Clock):
    """A clock that stays on the tests' start (on the second): both stores stamp the same times."""

    def now(self) -> dt.datetime:
        return CLOCK_START


def test_bulk_rows_are_stored_as_the_same_text_as_the_orms(tmp_path):
    """Stored, not just read back alike: the bulk path converts dates and times with the dialect's own
    types, as the ORM does (the tests' clock is on the second, which the driver's adapter wrote without
    its ``.000000``), and a column unset in every row is NULL as it is for the ORM (written, not bound)."""
    one, many = (Store(tmp_path / name, actor="alex", clock=_Stopped()) for name in ("one", "many"))
    with one.write() as changes:
        for row_id, fields in zip(IDS, ROWS, strict=True):
            changes.create(Provider, id=row_id, **fields)
    with many.write() as changes:
        changes.create_many(Provider, ROWS, IDS)
    for store in (one, many):
        with store.write() as changes:
            changes.update_many(Provider, [(IDS[1], {"judgement_date": dt.date(2025, 1, 2), "capacity": 3})])
    texts = []
    for store in (one, many):
        with store.read() as session:
            texts.append(session.connection().exec_driver_sql(
                "SELECT id, created_at, updated_at, judgement_date, typeof(judgement_date), judgement, capacity, "
                "notes, organisation, deleted FROM providers ORDER BY id").fetchall())
    assert texts[0] == texts[1]
    assert texts[1][0][1] == "2026-11-22 10:00:00.000000" and texts[1][1][3:5] == ("2025-01-02", "text")
    with many.read() as session:
        assert session.connection().exec_driver_sql(
            "SELECT count(*) FROM ops WHERE received_from IS NULL AND redacted = 0").scalar() == len(IDS) + 2


def test_bulk_ops_are_stamped_in_order_with_ids_that_sort_by_time(store):
    with store.write() as changes:
        changes.create_many(Provider, ROWS, IDS)
    with store.read() as session:
        ops = session.scalars(select(Op).order_by(Op.hlc)).all()
    assert [o.op_id for o in ops] == sorted(o.op_id for o in ops)
    assert len({o.hlc for o in ops}) == len(ops)
    assert all(uuid.UUID(o.op_id).version == 7 for o in ops)
    assert store.hlc.last.encode() == ops[-1].hlc  # the clock moved past them


def test_update_many_is_written_over_the_heads_as_update_is(tmp_path):
    stores = [Store(tmp_path / name, actor="alex") for name in ("one", "many")]
    for store in stores:
        with store.write() as changes:
            changes.create_many(Provider, ROWS, IDS)
    one, many = stores
    with one.write() as changes:
        row = changes.session.get(Provider, IDS[0])
        changes.update(row, judgement=Judgement.INADEQUATE, capacity=6)
    with many.write() as changes:
        changes.update_many(Provider, [(IDS[0], {"judgement": Judgement.INADEQUATE, "capacity": 6})])
    for store in stores:
        with store.read() as session:
            row = session.get(Provider, IDS[0])
            assert (row.judgement, row.capacity) == (Judgement.INADEQUATE, 6)
            ops = {o.field: o for o in _read(session, IDS[0])
                   if o.field in ("judgement", "capacity") and o.value in ("inadequate", 6)}
            earlier = {o.field: o.op_id for o in _read(session, IDS[0])
                       if (o.field, o.value) in (("judgement", "good"), ("capacity", 4))}
            assert {f: tuple(o.base) for f, o in ops.items()} == {f: (earlier[f],) for f in ("judgement", "capacity")}


def test_an_update_after_a_bulk_create_in_the_same_unit_is_written_over_it(store):
    with store.write() as changes:
        changes.create_many(Provider, ROWS[:1], IDS[:1])
        changes.update(changes.session.get(Provider, IDS[0]), capacity=9)
    with store.read() as session:
        ops = {o.value: o for o in _read(session, IDS[0]) if o.field == "capacity"}
        assert list(ops[9].base) == [ops[4].op_id]  # one head: no conflict with itself
        assert session.scalars(select(FieldHeads)).all() == []


def test_a_bulk_update_of_a_field_in_conflict_keeps_the_heads_table_right(tmp_path):
    """A field with two heads (another laptop's value arrived): the import's op is written over what
    this laptop shows (``oplog.local_base``: the winner and its own earlier value), as ``update``
    would be, and the heads are worked out again: one head now, no conflict left listed."""
    store = Store(tmp_path / "a", actor="alex")
    with store.write() as changes:
        changes.create_many(Provider, ROWS[:1], IDS[:1])
    with store.read() as session:
        (first,) = [o.op_id for o in _read(session, IDS[0]) if o.field == "capacity"]
    foreign = {"op_id": str(uuid.uuid4()), "entity": "providers", "entity_id": IDS[0], "field": "capacity",
               "value": 5, "hlc": Hlc(store.hlc.last.wall_ms + 1, 0).encode(), "device_id": "other-laptop",
               "actor": "jo", "base": [], "received_from": "folder", "wall": 0}
    with store.transaction() as session:  # as sync applies a pulled op: a concurrent value, a conflict
        session.execute(Op.__table__.insert(), [foreign])
        session.add(FieldHeads(entity="providers", entity_id=IDS[0], field="capacity",
                               heads=[foreign["op_id"], first], conflict=True))
    with store.read() as session:
        shown = oplog.local_base(oplog.state_of(session, "providers", IDS[0], "capacity"), store.device_id)
    with store.write() as changes:
        changes.update_many(Provider, [(IDS[0], {"capacity": 7})])
    with store.read() as session:
        latest = session.scalars(select(Op).where(Op.field == "capacity", Op.value == 7)).one()
        assert set(latest.base) == set(shown) == {first, foreign["op_id"]}
        assert session.scalars(select(FieldHeads)).all() == []  # worked out again: one head


@settings(max_examples=60, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                    max_leaves=8))
def test_json_text_is_json_dumps(value):
    assert json_text(value) == json.dumps(value)
    assert op_value_text(value) == json.dumps(value)


def test_ids_run_on_past_every_boundary_in_order():
    ids = ordered_ids(5, 1_764_000_000_000)
    assert ids == sorted(ids) and len(set(ids)) == 5 and all(uuid.UUID(i).version == 7 for i in ids)
    clock = HybridClock(Hlc(10 ** 12, 99_998), wall=lambda: 10 ** 12)
    one_by_one = HybridClock(Hlc(10 ** 12, 99_998), wall=lambda: 10 ** 12)
    assert clock.stamps(4) == [one_by_one.now().encode() for _ in range(4)]  # the counter borrows a millisecond
    assert clock.last == one_by_one.last


def test_bulk_ops_take_their_places_in_the_laptops_chain_as_the_orm_verbs_ops_do(store):
    """Every op, bulk or not, follows the one before it in this laptop's chain, with its value's hash
    (non-ASCII text, a list, an update's base): what a receiving laptop and ``audit --verify`` check."""
    from qa_desktop.store.chain import GENESIS, link, value_hash
    from qa_desktop.store.oplog import op_record

    with store.write() as changes:
        changes.create(Provider, id=IDS[0][:-1] + "8", name="Before", service_type=ServiceType.RESIDENTIAL)
        changes.create_many(Provider, ROWS, IDS)
    with store.write() as changes:
        changes.update_many(Provider, [(IDS[1], {"name": "Zo\u00eb House \u2014 annexe", "capacity": 3}),
                                       (IDS[0], {"notes": "tab\there \"quoted\" \\ \x7f"})])
        changes.create(Setting, provider_id=IDS[0], name="Maple Lodge", postcode="ME1 2DQ")
    with store.read() as session:
        ops = session.scalars(select(Op).where(Op.device_id == store.device_id).order_by(Op.dseq)).all()
    assert [o.dseq for o in ops] == list(range(1, len(ops) + 1))
    assert any(o.base for o in ops) and any(o.field == "notes" for o in ops)
    previous = GENESIS
    for op in ops:
        assert op.vhash == value_hash(op.value)
        assert op.chain == link(previous, op_record(op), op.vhash, op.dseq)
        previous = op.chain


@settings(max_examples=60, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                    max_leaves=8))
def test_canonical_text_is_the_chains_canonical_text(value):
    """What a row op's value is written as, and its hash taken over, is the chain's ``canonical``."""
    from qa_desktop.store.chain import canonical_of_text
    from qa_desktop.store.changes import canonical_text

    assert canonical_text(value) == oplog.canonical(value) == canonical_of_text(op_value_text(value))
    assert canonical_text(Judgement.GOOD) == oplog.canonical("good")
    assert canonical_text(dt.date(2024, 5, 14)) == oplog.canonical("2024-05-14")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(), min_size=1, max_size=4))
def test_derived_ids_are_uuid5s_of_the_natural_key(parts):
    from qa_desktop.store.changes import ID_NAMESPACE, derived_id

    assert derived_id(*parts) == str(uuid.uuid5(ID_NAMESPACE, "\x1f".join(parts)))


def test_a_row_ops_field_texts_are_each_values_canonical_text():
    """``_field_texts`` works each value's text out once per distinct value: never one value's text for
    another that only compares equal to it (``True == 1``, ``0.0 == -0.0``, an enum and its text)."""
    from qa_desktop.store.changes import _field_texts, canonical_text

    values = [True, 1, 0.0, -0.0, Judgement.GOOD, "good", dt.date(2024, 5, 14), None, ["a", 1], {"b": [2]}, 1, True,
              -0.0, 0.0, "Zo\u00eb \"q\"", Judgement.GOOD]
    assert _field_texts('"f":', values) == [None if v is None else '"f":' + canonical_text(v) for v in values]
