"""A created row recorded as one op (``store.oplog.ROW_FIELD``, written by ``Changes.create_many``)
merges exactly as the per-field ops it stands for: a provider made that way on one laptop and edited
on another converges the same, with concurrent edits kept as conflicts, through a shared folder and
PostgreSQL; its audit trail reads field by field; old per-field ops still read; the hash chain checks;
and a bundle of a newer format is refused in words."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from qa_desktop.domain.regulation import Judgement, Regulator
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.services.audit import provider_audit, verify_log
from qa_desktop.store import oplog
from qa_desktop.store.changes import derived_id
from qa_desktop.store.hlc import Hlc
from qa_desktop.store.models import SYNCED_MODELS, Op, Provider, RegulatoryAlert, Setting
from qa_desktop.sync.conflicts import list_conflicts, resolve
from qa_desktop.sync.engine import sync
from qa_desktop.sync.postgres import PostgresStore
from tests.sync.conftest import snapshot

PROVIDER = {"name": "Maple Lodge", "service_type": ServiceType.RESIDENTIAL, "urn": "SC700101",
            "judgement": Judgement.GOOD, "judgement_date": dt.date(2024, 5, 14), "capacity": 4,
            "regulator": Regulator.OFSTED}
PID = derived_id("provider", "urn", "SC700101")
SID = derived_id("setting", PID)


def _create(store, bulk: bool) -> None:
    setting = {"provider_id": PID, "name": "Maple Lodge", "postcode": "ME1 2DQ"}
    with store.write() as changes:
        if bulk:
            changes.create_many(Provider, [PROVIDER], [PID])
            changes.create_many(Setting, [setting], [SID])
        else:
            changes.create(Provider, id=PID, **PROVIDER)
            changes.create(Setting, id=SID, **setting)


def _edit(store, **fields) -> None:
    with store.write() as changes:
        changes.update(changes.session.get(Provider, PID), **fields)


def _outcome(store) -> tuple:
    """What an officer sees: the rows, and each conflict with its values (op ids differ by run)."""
    rows = {k: v for k, v in snapshot(store).items() if k != "conflicts"}
    conflicts = sorted((c.entity, c.entity_id, c.field, sorted(json.dumps(v.value) for v in c.values),
                        next(json.dumps(v.value) for v in c.values if v.current)) for c in list_conflicts(store))
    return rows, conflicts


def _scenario(alex, jo, shared, bulk: bool) -> tuple:
    _create(alex, bulk)
    sync(alex, shared), sync(jo, shared)
    _edit(jo, name="Maple Lodge (annexe)", capacity=5)  # jo and alex edit the name without seeing each other
    _edit(alex, name="Maple Lodge House", judgement=Judgement.INADEQUATE)
    sync(jo, shared), sync(alex, shared), sync(jo, shared)
    assert snapshot(alex) == snapshot(jo)
    return _outcome(alex)


def _check_merge(laptops, shared_of) -> None:
    by_field = laptops("alex", "jo")
    by_row = laptops("sam", "kim")
    expected = _scenario(*by_field, shared_of("per-field"), bulk=False)
    found = _scenario(*by_row, shared_of("row"), bulk=True)
    assert found == expected
    rows, conflicts = found
    provider = rows[("providers", PID)]
    assert Judgement.INADEQUATE in provider and 5 in provider  # edits of different fields both kept
    assert [c[2] for c in conflicts] == ["name"]  # the concurrent edits of the name: a conflict, both kept
    assert conflicts[0][3] == sorted(json.dumps(n) for n in ("Maple Lodge (annexe)", "Maple Lodge House"))
    sam, kim = by_row
    with sam.read() as session:  # the row really travelled as one op, and the edits were written over it
        (row_op,) = session.scalars(select(Op).where(Op.entity_id == PID, Op.field == oplog.ROW_FIELD)).all()
        capacity = session.scalars(select(Op).where(Op.entity_id == PID, Op.field == "capacity")).one()
        assert list(capacity.base) == [row_op.op_id]
    (conflict,) = list_conflicts(kim)
    resolve(kim, conflict.key, "Maple Lodge House")
    sync(kim, shared_of("row")), sync(sam, shared_of("row"))
    assert list_conflicts(sam) == list_conflicts(kim) == []
    assert snapshot(sam) == snapshot(kim)
    for laptop in by_row:
        with laptop.read() as session:
            check = verify_log(session, laptop.device_id)
        assert check.findings == () and check.unchained == 0, check.summary()


def test_a_row_made_by_one_op_merges_through_a_folder_as_per_field_ops_do(laptops, tmp_path):
    from qa_desktop.sync.folder import FolderStore

    _check_merge(laptops, lambda name: FolderStore(tmp_path / name))


def test_a_row_made_by_one_op_merges_through_postgresql_as_per_field_ops_do(laptops, postgres_server, request):
    from tests.postgres_server import create_database

    opened: dict[str, PostgresStore] = {}

    def shared_of(name: str) -> PostgresStore:
        if name not in opened:
            url = create_database(postgres_server, f"qa_row_op_{name.replace('-', '_')}")
            opened[name] = PostgresStore(url, postgres_server["password"])
        return opened[name]

    try:
        _check_merge(laptops, shared_of)
    finally:
        for store in opened.values():
            store.close()


def test_the_audit_trail_reads_a_row_made_by_one_op_field_by_field_as_per_field_ops(laptops):
    by_field, by_row = laptops("alex", "sam")
    _create(by_field, bulk=False)
    _create(by_row, bulk=True)
    for laptop in (by_field, by_row):
        _edit(laptop, capacity=6)

    def trail(laptop) -> list[tuple]:
        with laptop.read() as session:
            return [(line.what, line.field, line.value) for line in provider_audit(session, PID)]

    assert sorted(trail(by_row)) == sorted(trail(by_field))
    assert ("Provider", "capacity", "6") in trail(by_row) and ("Provider", "name", "Maple Lodge") in trail(by_row)


def test_a_row_op_holds_only_what_retention_keeps(store):
    """An alert is a record retention deletes (the values of its content fields removed op by op,
    ``store.purge``): a new one is one op for what retention keeps of it and one op per content field;
    a provider's is one op."""
    from qa_desktop.domain.oversight import AlertKind
    from qa_desktop.store.purge import content_fields

    with store.write() as changes:
        changes.create_many(Provider, [PROVIDER], [PID])
        changes.create_many(RegulatoryAlert, [{"provider_id": PID, "kind": AlertKind.INADEQUATE,
                                               "regulator": Regulator.OFSTED, "summary": "Inadequate",
                                               "received_on": dt.date(2026, 11, 1)}], ["a1"])
    with store.read() as session:
        ops = list(session.scalars(select(Op)))
        fields = {(o.entity, o.field) for o in ops}
        (alert_row,) = [o for o in ops if o.entity == "regulatory_alerts" and o.field == oplog.ROW_FIELD]
        alert = oplog.ops_of_entities(session, "regulatory_alerts", ["a1"])["a1"]
    assert ("providers", oplog.ROW_FIELD) in fields and ("providers", "name") not in fields
    assert alert_row.value == {"deleted": False, "kind": "inadequate", "provider_id": PID, "received_on": "2026-11-01",
                               "regulator": "ofsted"}
    assert not set(alert_row.value) & content_fields("regulatory_alerts")
    assert ("regulatory_alerts", "summary") in fields
    assert {name: ops_[0].value for name, ops_ in alert.items()} == {**alert_row.value, "summary": "Inadequate"}


def test_an_imported_alert_deleted_under_retention_is_gone_everywhere_and_every_chain_checks(
        laptops, folder, tmp_path):
    """An alert an import raised (one op for what retention keeps, one per content field), closed and
    then past retention: its content is redacted from every laptop's log and unreadable in the shared
    folder; what retention keeps of it stays; every laptop's chain checks."""
    from qa_desktop.services.provider_import import import_providers
    from qa_desktop.services.retention import apply_retention, past_retention
    from tests.conftest import TODAY
    from tests.ofsted_files import PROVIDER_LEVEL, provider_level_rows, write_csv
    from tests.sync.test_purge_everywhere import everything_in, readable_with_the_team_key

    alex, jo = laptops("alex", "jo")
    assert import_providers(alex, write_csv(tmp_path / "a.csv", PROVIDER_LEVEL, provider_level_rows(40))).alerts
    with alex.read() as session:
        alerts = list(session.scalars(select(RegulatoryAlert)))
        alert = next(a for a in alerts if [b.summary for b in alerts].count(a.summary) == 1)
        alert_id, summary, kind = alert.id, alert.summary, alert.kind
        assert session.scalars(select(Op).where(Op.entity_id == alert_id, Op.field == oplog.ROW_FIELD)).one()
    sync(alex, folder), sync(jo, folder)
    with alex.write() as changes:  # closed six years ago: past retention
        changes.update(changes.session.get(RegulatoryAlert, alert_id), closed_on=dt.date(2020, 6, 1),
                       summary=summary + " Closed by the officer.")
    with alex.read() as session:
        expired = [e for e in past_retention(session, TODAY) if e.kind == "alert"]
    assert [e.id for e in expired] == [alert_id]
    apply_retention(alex, expired)
    sync(alex, folder), sync(jo, folder), sync(alex, folder)
    assert summary not in readable_with_the_team_key(folder.root)  # the imported value and the edit
    for laptop in (alex, jo):
        assert summary not in everything_in(laptop)
        with laptop.read() as session:
            row = session.get(RegulatoryAlert, alert_id)
            assert row.deleted and row.summary == "" and row.kind is kind and row.provider_id
            kept = [(o.field, o.value) for o in session.scalars(select(Op).where(Op.entity_id == alert_id))
                    if o.value not in (None, "", [])]
            # what is left in the log: the row op (what retention keeps), the tombstone, retention's blanks
            assert {field for field, _ in kept} <= {oplog.ROW_FIELD, "deleted"}, kept
            check = verify_log(session, laptop.device_id)
        assert check.findings == () and check.unchained == 0, check.summary()
    assert snapshot(alex) == snapshot(jo)


def test_no_table_has_a_column_named_as_the_row_op_and_old_ops_read_beside_it(store):
    assert all(oplog.ROW_FIELD not in model.__table__.columns for model in SYNCED_MODELS)
    with store.write() as changes:  # an older laptop's per-field ops for one provider, a row op for another
        changes.create(Provider, id="p-old", **{**PROVIDER, "urn": "SC700109"})
        changes.create_many(Provider, [PROVIDER], [PID])
    with store.read() as session:
        grouped = oplog.ops_of_entities(session, "providers", ["p-old", PID])
        assert set(grouped["p-old"]) == set(grouped[PID])
        assert oplog.state_of(session, "providers", PID, "capacity").value == 4
        assert oplog.state_of(session, "providers", "p-old", "capacity").value == 4
        assert oplog.state_of(session, "providers", PID, "notes") is None


def test_a_row_op_expands_to_the_op_with_each_field_and_its_value():
    from dataclasses import fields, replace

    op = oplog.OpRecord("o1", "providers", PID, oplog.ROW_FIELD, {"name": "Maple Lodge", "capacity": 4},
                        "000000001:0001", "dev", "alex", ("o0",), 17, 3, "c" * 64, "v" * 64, "sealed?")
    assert all(getattr(op, f.name) is not None for f in fields(op))  # every field set, so each is checked
    assert oplog.expand(op) == [replace(op, field="name", value="Maple Lodge"), replace(op, field="capacity", value=4)]
    assert oplog.expand(op, {"capacity", "notes"}) == [replace(op, field="capacity", value=4)]
    one = replace(op, field="capacity", value=4)
    assert oplog.expand(one, {"name"}) == [one]  # an op of one field is given as it is


def test_a_damaged_row_op_stands_for_no_field():
    op = oplog.OpRecord("o", "providers", "p", oplog.ROW_FIELD, None, "x", "d", "alex")
    assert oplog.expand(op) == []
    assert [o.field for o in oplog.expand(oplog.OpRecord("o", "providers", "p", oplog.ROW_FIELD, {"name": "A"},
                                                         "x", "d", "alex"))] == ["name"]


def test_a_bundle_carries_a_row_op_and_one_of_the_format_before_still_reads(laptops, tmp_path):
    from qa_desktop.sync.bundle import export_bundle, import_bundle

    alex, jo, sam = laptops("alex", "jo", "sam")
    _create(alex, bulk=True)
    out = export_bundle(alex, tmp_path / "all")
    import_bundle(jo, out.path, code=out.code)
    assert snapshot(jo) == snapshot(alex)
    per_field = _bundle(tmp_path / "old.qabundle", 1, [{
        "op_id": f"00000000-0000-4000-8000-00000000000{n}", "entity": "providers", "entity_id": PID, "field": name,
        "value": value, "hlc": Hlc(1_760_000_000_000, n).encode(), "device_id": "old-laptop", "actor": "alex",
        "base": []}
        for n, (name, value) in enumerate((("name", "Maple Lodge"), ("service_type", "residential"),
                                           ("deleted", False)))])
    import_bundle(sam, per_field, code=CODE)
    with sam.read() as session:
        assert session.get(Provider, PID).name == "Maple Lodge"


@pytest.mark.parametrize("version", [3, "2", None])
def test_a_bundle_of_a_format_this_version_cannot_read_is_refused_in_words_and_changes_nothing(
        laptops, tmp_path, version):
    from qa_desktop.sync.wire import SyncFileError

    (jo,) = laptops("jo")
    before = snapshot(jo)
    path = _bundle(tmp_path / "new.qabundle", version, [])
    with pytest.raises(SyncFileError, match=r"^new.qabundle: was made by another version of QA Desktop \(format "
                                            r".*\); update QA Desktop on this laptop to read it"):
        from qa_desktop.sync.bundle import import_bundle

        import_bundle(jo, path, code=CODE)
    assert snapshot(jo) == before


CODE = "AAAA-BBBB-CCCC"


def _bundle(path, version, ops: list[dict]):
    """A bundle of the given format version holding ``ops`` (sealed with ``CODE``)."""
    import io
    import zipfile

    from qa_desktop.sync import bundle
    from qa_desktop.sync.wire import digest

    body = b"".join(json.dumps(op).encode() + b"\n" for op in ops)
    manifest = {"format": bundle.FORMAT, "version": version, "bundle_id": "b", "ops": len(ops),
                "ops_sha256": digest(body), "photos": []}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ops.jsonl", body)
        archive.writestr("manifest.json", json.dumps(manifest))
    path.write_bytes(bundle.seal(buffer.getvalue(), code=CODE))
    return path


def test_two_laptops_making_the_same_row_then_editing_it_unseen_merge_as_per_field_ops(laptops, tmp_path):
    """Both laptops import the same file (the same derived ids), one edits before they meet: the
    outcome is what per-field ops give, op for op (here: the edit and the other laptop's value of the
    same field were made without seeing each other, so both are kept as a conflict)."""
    from qa_desktop.sync.folder import FolderStore

    outcomes = []
    for bulk, names in ((False, ("alex", "jo")), (True, ("sam", "kim"))):
        first, second = laptops(*names)
        shared = FolderStore(tmp_path / f"shared-{bulk}")
        _create(first, bulk)
        _create(second, bulk)
        _edit(first, capacity=7)
        sync(first, shared), sync(second, shared), sync(first, shared)
        assert snapshot(first) == snapshot(second)
        outcomes.append(_outcome(first))
    assert outcomes[1] == outcomes[0]
    assert [c[2] for c in outcomes[1][1]] == ["capacity"]
