"""The audit log is tamper-evident (issue 15, point 9): each laptop's changes form a hash chain,
checked on sync and by ``qa-desktop audit --verify``; a forged, blanked, changed or deleted change is
named, and a forged one arriving by sync is not applied."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import uuid

from sqlalchemy import select, text

from qa_desktop.cli import main
from qa_desktop.domain.visits import VisitStatus
from qa_desktop.forms.checklist import MET, NOT_MET
from qa_desktop.services.audit import verify_log
from qa_desktop.services.retention import apply_retention, past_retention
from qa_desktop.services.visits import open_visit
from qa_desktop.store.chain import GENESIS, link, value_hash
from qa_desktop.store.models import Op, Visit
from qa_desktop.store.oplog import op_record
from qa_desktop.sync.engine import sync
from qa_desktop.sync.folder import FolderStore
from qa_desktop.sync.wire import digest, encode_ops
from tests.conftest import TODAY
from tests.sync.conftest import change_files, first_items, make_visit, snapshot


def _chained(store) -> list[Op]:
    with store.read() as session:
        return list(session.scalars(select(Op).where(Op.device_id == store.device_id).order_by(Op.dseq)))


def test_every_change_has_its_place_and_link_and_the_log_checks_whole_on_every_laptop(laptops, library, tmp_path):
    alex, jo = laptops("alex", "jo")
    visit_id = make_visit(alex, library)
    item = first_items(alex, visit_id, 1)[0]
    open_visit(alex, visit_id).set_answer(*item, MET)
    shared = FolderStore(tmp_path / "shared")
    sync(alex, shared), sync(jo, shared)
    open_visit(jo, visit_id).set_answer(*item, NOT_MET)
    sync(jo, shared), sync(alex, shared)
    ops = _chained(alex)
    assert [op.dseq for op in ops] == list(range(1, len(ops) + 1))
    previous = GENESIS
    for op in ops:
        assert op.vhash == value_hash(op.value)
        assert op.chain == link(previous, op_record(op), op.vhash, op.dseq)
        previous = op.chain
    for laptop in (alex, jo):
        with laptop.read() as session:
            check = verify_log(session, laptop.device_id)
        assert check.findings == () and check.laptops == 2 and check.unchained == 0
        assert check.summary().startswith("The audit log is whole")


def test_audit_verify_names_a_forged_a_blanked_a_changed_and_a_deleted_change(laptops, library, tmp_path, capsys):
    alex, jo = laptops("alex", "jo")
    visit_id = make_visit(alex, library)
    sync(alex, FolderStore(tmp_path / "shared")), sync(jo, FolderStore(tmp_path / "shared"))
    assert main(["audit", "--verify", "--data-dir", str(jo.data_dir)]) == 0
    assert "The audit log is whole" in capsys.readouterr().out

    status_op = next(op for op in _chained(alex) if op.entity == "visits" and op.field == "status")
    with jo.transaction() as session:
        # forged: "completed by qa.lead", inserted into the log as if Alex's laptop had sent it
        forged = {"op_id": str(uuid.uuid4()), "entity": "visits", "entity_id": visit_id, "field": "status",
                  "value": "completed", "hlc": status_op.hlc[:-1] + "9", "device_id": alex.device_id,
                  "actor": "qa.lead", "base": [status_op.op_id], "wall": status_op.wall,
                  "dseq": status_op.dseq, "vhash": value_hash("completed"), "chain": "f" * 64}
        session.execute(Op.__table__.insert(), [forged])
        # blanked through the app's own connection (the audit guard lets a redaction through)
        officers = next(op for op in _chained(alex) if op.entity == "visits" and op.field == "officers")
        session.execute(text("UPDATE ops SET value = NULL, redacted = 1 WHERE op_id = :id"), {"id": officers.op_id})
        # changed and deleted: someone who dropped the guard
        session.execute(text("DROP TRIGGER ops_only_redaction"))
        session.execute(text("DROP TRIGGER ops_no_delete"))
        reason = next(op for op in _chained(alex) if op.entity == "visits" and op.field == "reason")
        session.execute(text("""UPDATE ops SET value = '"concern_raised_by_someone_else"' WHERE op_id = :id"""),
                        {"id": reason.op_id})
    jo_own = _chained(jo)
    if not jo_own:
        open_visit(jo, visit_id).set_answer(*first_items(jo, visit_id, 1)[0], MET)
        jo_own = _chained(jo)
    with jo.transaction() as session:
        session.execute(text("DELETE FROM ops WHERE op_id = :id"), {"id": jo_own[0].op_id})
    assert main(["audit", "--verify", "--data-dir", str(jo.data_dir)]) == 4
    out = capsys.readouterr().out
    assert "The audit log has been tampered with" in out
    assert f"The change {forged['op_id'][:8]}" in out and "by qa.lead" in out and "(forged)" in out
    assert f"The change {officers.op_id[:8]}" in out and "was blanked, but its record was not deleted" in out
    assert f"The change {reason.op_id[:8]}" in out and "no longer holds the value it was recorded with" in out
    assert "of this laptop's own chain are missing from its log" in out


def test_a_forged_change_in_a_shared_file_is_refused_on_sync_and_named(laptops, library, tmp_path):
    """Someone holding the team key (a team laptop) puts a change "completed by qa.lead" into Alex's
    file: it does not fit Alex's chain, so Jo's laptop refuses it, names it, and applies the rest."""
    alex, jo = laptops("alex", "jo")
    visit_id = make_visit(alex, library)
    shared = FolderStore(tmp_path / "shared")
    sync(alex, shared)
    (path,) = change_files(shared, alex)
    ops = shared.read_segment(path)
    status = next(op for op in ops if op.entity == "visits" and op.field == "status")
    fake = status.__class__(**{**status.__dict__, "op_id": str(uuid.uuid4()), "value": "completed",
                               "actor": "qa.lead", "hlc": status.hlc[:-1] + "9", "base": (status.op_id,),
                               "dseq": max(op.dseq for op in ops) + 1, "vhash": value_hash("completed"),
                               "chain": "a" * 64})
    forged = [*ops, fake]
    body = shared.team.seal("changes", gzip.compress(encode_ops(forged), mtime=0), f"{alex.device_id}|1|{len(forged)}")
    header = {"format": "qa-desktop-ops", "version": 2, "device_id": alex.device_id, "number": 1,
              "count": len(forged), "sha256": digest(body)}
    path.write_bytes(json.dumps(header).encode() + b"\n" + body)
    report = sync(jo, FolderStore(tmp_path / "shared"))
    (words,) = report.forged
    assert f"the change {fake.op_id[:8]}" in words and "by qa.lead" in words and "audit chain" in words
    with jo.read() as session:
        assert session.get(Visit, visit_id).status is not VisitStatus.COMPLETED
        assert session.get(Op, fake.op_id) is None
    assert snapshot(jo) == snapshot(alex)  # everything else arrived


def test_retention_removes_values_and_the_chain_still_checks(laptops, library, tmp_path):
    alex, jo = laptops("alex", "jo")
    visit_id = make_visit(alex, library)
    item = first_items(alex, visit_id, 1)[0]
    open_visit(alex, visit_id).set_note(*item, "Old note")
    with alex.write() as changes:
        changes.update(changes.session.get(Visit, visit_id), visit_date=dt.date(2020, 6, 1),
                       status=VisitStatus.COMPLETED)
    sync(alex, FolderStore(tmp_path / "shared")), sync(jo, FolderStore(tmp_path / "shared"))
    with alex.read() as session:
        expired = past_retention(session, TODAY)
    apply_retention(alex, expired)
    sync(alex, FolderStore(tmp_path / "shared")), sync(jo, FolderStore(tmp_path / "shared"))
    for laptop in (alex, jo):
        with laptop.read() as session:
            assert session.scalar(select(Op.op_id).where(Op.redacted.is_(True)).limit(1)) is not None
            assert verify_log(session, laptop.device_id).findings == ()


def test_a_laptops_changes_are_found_at_their_places_read_as_a_range_or_one_by_one(laptops, library):
    """``check_arriving``'s look-up of the changes already held at an arriving change's place and its
    neighbours: places with no gap are read as one range of the chain's index (a pull's), others place
    by place; both find exactly the changes at those places."""
    from qa_desktop.store.chain import _held_at
    (alex,) = laptops("alex")
    make_visit(alex, library)
    held = _chained(alex)
    last = held[-1].dseq
    with alex.read() as session:
        for places in ([1, 2, 3], list(range(2, last + 3)), [last - 1, last, last + 1], [1, 3, 4, last + 5],
                       [last + 1, last + 2], []):
            found = sorted((row.dseq, row.op_id) for row in _held_at(session, alex.device_id, places))
            assert found == sorted((op.dseq, op.op_id) for op in held if op.dseq in places)
            assert not list(_held_at(session, "another laptop", places))
