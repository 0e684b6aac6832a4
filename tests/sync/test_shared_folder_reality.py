"""What real shared folders do (issue 14, items 1-3): files delivered late, out of order, twice,
damaged or not at all, and files deleted by someone tidying the drive. Each test is one finding of
the issue, with real laptops (stores) and a real folder, then what the officers are told, in words.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from sqlalchemy import select

from qa_desktop.cli import main
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.services.register import add_provider
from qa_desktop.store.models import LocalState, Provider
from qa_desktop.sync.engine import status, sync
from qa_desktop.sync.folder import FolderStore
from tests.sync.conftest import snapshot

_SEGMENT = re.compile(r"\d{8}\.ops")


def edit(laptop, name: str) -> None:
    """One change on a laptop: a provider added (its ops all go in one change file)."""
    with laptop.write() as changes:
        add_provider(changes, name=name, service_type=ServiceType.SUPPORTED_ACCOMMODATION)


def providers(laptop) -> list[str]:
    with laptop.read() as session:
        return sorted(session.scalars(select(Provider.name)))


def own_files(folder: FolderStore, laptop) -> list[Path]:
    where = folder.root / "changes" / laptop.device_id
    return sorted(p for p in where.iterdir() if _SEGMENT.fullmatch(p.name))


def name(folder: FolderStore, path: Path) -> str:
    return path.relative_to(folder.root).as_posix()


def cursor(laptop, folder: FolderStore) -> dict:
    with laptop.read() as session:
        return json.loads(session.get(LocalState, f"sync.cursor.{folder.key}").value)


def test_a_file_that_arrives_late_is_read_when_it_appears(laptops, folder, tmp_path):
    """Finding 1: Alex syncs file 1, then file 2; Jo's copy of the folder has file 2 first."""
    jo, alex = laptops("Jo Morgan", "Alex Patel")
    edit(alex, "Oak House")
    sync(alex, folder)
    edit(alex, "Elm House")
    sync(alex, folder)
    first, _second = own_files(folder, alex)
    in_transit = tmp_path / "in transit"
    first.rename(in_transit)
    sync(jo, folder)
    assert providers(jo) == ["Elm House"]
    in_transit.rename(first)  # the sync client delivers it at last
    report = sync(jo, folder)
    assert report.pulled > 0 and report.problems == []
    assert providers(jo) == ["Elm House", "Oak House"]
    assert snapshot(jo) == snapshot(alex)
    again = sync(jo, folder)
    assert again.pulled == 0


def test_files_in_any_order_with_holes_filled_later(laptops, folder, tmp_path):
    jo, alex = laptops("Jo Morgan", "Alex Patel")
    for house in ("Oak House", "Elm House", "Ash House", "Yew House"):
        edit(alex, house)
        sync(alex, folder)
    files = own_files(folder, alex)
    aside = tmp_path / "aside"
    aside.mkdir()
    for path in files:
        path.rename(aside / path.name)
    for number in (4, 2, 1, 3):  # one at a time, in the sync client's order, with a sync between
        shutil.move(aside / f"{number:08d}.ops", files[number - 1])
        sync(jo, folder)
    assert providers(jo) == ["Ash House", "Elm House", "Oak House", "Yew House"]
    assert snapshot(jo) == snapshot(alex)
    assert cursor(jo, folder)["applied"][alex.device_id] == [[1, 4]]  # kept compactly, as ranges


def test_a_damaged_file_is_named_noticed_by_its_writer_and_written_again(laptops, folder):
    """Finding 2: Alex's newest file is cut short in the shared folder."""
    jo, alex = laptops("Jo Morgan", "Alex Patel")
    edit(alex, "Oak House")
    sync(alex, folder)
    sync(jo, folder)  # Jo has file 1, and says who uses her laptop (device.json)
    edit(alex, "Elm House")
    sync(alex, folder)
    newest = own_files(folder, alex)[-1]
    good = newest.read_bytes()
    held = [op.op_id for op in folder.read_segment(newest)]
    newest.write_bytes(good[: len(good) // 2])
    file = name(folder, newest)

    seen_by_jo = sync(jo, folder)
    assert providers(jo) == ["Oak House"]  # nothing from the damaged file
    words = " ".join(seen_by_jo.unreadable)
    assert file in words and "Alex Patel" in words and "damaged or incomplete" in words, words
    (line,) = status(jo).unreadable  # the window and sync-status say it too, between syncs
    assert line.startswith("This laptop cannot read " + file) and "ask Alex Patel to sync" in line, line

    healed = sync(alex, folder)  # Alex's next sync notices it, and writes it again under the same number
    assert [op.op_id for op in folder.read_segment(newest)] == held  # the same changes (sealed afresh)
    assert any(file in line and "written again" in line for line in healed.rewritten), healed.rewritten
    assert any(line.startswith(f"Jo Morgan's laptop could not read my file {file}") and "written again" in line
               for line in healed.unreadable), healed.unreadable

    report = sync(jo, folder)
    assert report.problems == [] and status(jo).unreadable == ()
    assert snapshot(jo) == snapshot(alex)
    sam, = laptops("Sam Reid")  # a laptop set up later gets everything
    sync(sam, folder)
    assert snapshot(sam) == snapshot(alex)
    assert sync(alex, folder).unreadable == []  # Jo's report is empty again: nothing more to say


def test_a_writer_notices_its_own_damaged_and_missing_files_without_being_told(laptops, folder):
    jo, alex = laptops("Jo Morgan", "Alex Patel")
    for house in ("Oak House", "Elm House", "Ash House"):
        edit(alex, house)
        sync(alex, folder)
    first, second, _third = own_files(folder, alex)
    second.write_bytes(second.read_bytes()[:-7])
    first.unlink()
    report = sync(alex, folder)
    assert sorted(report.rewritten) == [
        f"My file {name(folder, first)} was missing from the shared folder: written again.",
        f"My file {name(folder, second)} was damaged or incomplete in the shared folder: written again.",
    ]
    assert status(alex).unsent == tuple(report.rewritten)
    sync(jo, folder)
    assert snapshot(jo) == snapshot(alex)
    assert sync(alex, folder).rewritten == [] and status(alex).unsent == ()


def test_a_deleted_files_number_is_never_used_again(laptops, folder):
    """Finding 3: someone tidies the drive and deletes Alex's newest file, after Jo read it."""
    jo, alex = laptops("Jo Morgan", "Alex Patel")
    edit(alex, "Oak House")
    sync(alex, folder)
    edit(alex, "Elm House")
    sync(alex, folder)
    sync(jo, folder)
    newest = own_files(folder, alex)[-1]
    newest.unlink()
    edit(alex, "Ash House")
    report = sync(alex, folder)
    assert [p.name for p in own_files(folder, alex)] == ["00000001.ops", "00000002.ops", "00000003.ops"]
    assert report.rewritten == [f"My file {name(folder, newest)} was missing from the shared folder: written again."]
    sync(jo, folder)
    assert providers(jo) == ["Ash House", "Elm House", "Oak House"]
    assert snapshot(jo) == snapshot(alex)
    sam, = laptops("Sam Reid")
    sync(sam, folder)
    assert snapshot(sam) == snapshot(alex)


def test_numbers_come_from_the_writers_record_not_the_folder(laptops, folder):
    alex, = laptops("Alex Patel")
    edit(alex, "Oak House")
    sync(alex, folder)
    edit(alex, "Elm House")
    sync(alex, folder)
    for path in own_files(folder, alex):
        path.unlink()
    edit(alex, "Ash House")
    sync(alex, folder)
    assert [p.name for p in own_files(folder, alex)] == ["00000001.ops", "00000002.ops", "00000003.ops"]


def test_a_cursor_from_the_previous_version_is_converted_without_reading_again_or_skipping(laptops, folder):
    """Finding 4 of this part: a laptop that upgrades keeps what it had read, as a set."""
    jo, alex = laptops("Jo Morgan", "Alex Patel")
    for house in ("Oak House", "Elm House", "Ash House", "Yew House"):
        edit(alex, house)
        sync(alex, folder)
    # Jo's old cursor: files up to 3 read, file 2 was bad (to be tried again)
    with jo.transaction() as session:
        session.add(LocalState(key=f"sync.cursor.{folder.key}",
                               value=json.dumps({alex.device_id: {"done": 3, "retry": [2]}})))
    report = sync(jo, folder)
    assert providers(jo) == ["Elm House", "Yew House"]  # 2 and 4: neither 1 nor 3 read again
    assert report.problems == []
    assert cursor(jo, folder) == {"version": 2, "applied": {alex.device_id: [[1, 4]]}}
    pulls = list(folder.pull(json.dumps({alex.device_id: {"done": 3, "retry": []}}), jo.device_id))
    assert [json.loads(p.cursor)["applied"][alex.device_id] for p in pulls] == [[[1, 4]]]


def test_a_writer_that_upgrades_adopts_its_files_and_heals_them(laptops, folder):
    """A laptop that wrote files with the previous version has no record of them: on its first
    sync it reads its own files once, records them, and from then on heals them like any other."""
    jo, alex = laptops("Jo Morgan", "Alex Patel")
    for house in ("Oak House", "Elm House", "Ash House"):
        edit(alex, house)
        sync(alex, folder)
    with alex.transaction() as session:  # as the previous version left it: no record of its files
        session.delete(session.get(LocalState, f"sync.segments.{folder.key}"))
    _first, second, third = own_files(folder, alex)
    second.write_bytes(b"")   # damaged, and
    third.unlink()            # the newest deleted (both before the upgrade)
    report = sync(alex, folder)
    assert sorted(p.name for p in own_files(folder, alex)) == ["00000001.ops", "00000002.ops", "00000003.ops"]
    assert len(report.rewritten) == 2
    edit(alex, "Yew House")
    sync(alex, folder)
    assert own_files(folder, alex)[-1].name == "00000004.ops"
    sync(jo, folder)
    assert snapshot(jo) == snapshot(alex)


def test_an_upgraded_writer_fills_a_hole_between_two_whole_files_with_exactly_what_it_held(laptops, folder):
    jo, alex = laptops("Jo Morgan", "Alex Patel")
    for house in ("Oak House", "Elm House", "Ash House"):
        edit(alex, house)
        sync(alex, folder)
    with alex.transaction() as session:
        session.delete(session.get(LocalState, f"sync.segments.{folder.key}"))
    _first, second, _third = own_files(folder, alex)
    held = [op.op_id for op in folder.read_segment(second)]
    size = len(second.read_bytes())
    second.unlink()
    report = sync(alex, folder)
    assert report.rewritten == [f"My file {name(folder, second)} was missing from the shared folder: written again."]
    # the same number, the same changes (sealed afresh: the same size, other bytes)
    assert [op.op_id for op in folder.read_segment(second)] == held and len(second.read_bytes()) == size
    assert len(own_files(folder, alex)) == 3
    sync(jo, folder)
    assert snapshot(jo) == snapshot(alex)


def test_duplicated_renamed_and_stray_copies_change_nothing(laptops, folder):
    """A sync client's "00000002 (1).ops" copy, the same file delivered twice, a file renamed or
    copied into another laptop's folder: nothing is applied twice, nothing is skipped because of them."""
    jo, alex = laptops("Jo Morgan", "Alex Patel")
    edit(alex, "Oak House")
    sync(alex, folder)
    edit(alex, "Elm House")
    sync(alex, folder)
    sync(jo, folder)
    before = snapshot(jo)
    first, second = own_files(folder, alex)
    shutil.copyfile(second, second.with_name("00000002 (1).ops"))
    shutil.copyfile(second, second.with_name("00000002.ops.tmp"))
    second.write_bytes(second.read_bytes())  # delivered again
    report = sync(jo, folder)
    assert (report.pulled, report.problems, snapshot(jo)) == (0, [], before)

    renamed = second.with_name("00000003.ops")  # someone renames a copy: not Alex's file 3
    shutil.copyfile(first, renamed)
    report = sync(jo, folder)
    assert report.pulled == 0 and any(name(folder, renamed) in p and "file 1" in p for p in report.problems)
    renamed.unlink()
    edit(alex, "Ash House")
    sync(alex, folder)
    assert own_files(folder, alex)[-1].name == "00000003.ops"
    report = sync(jo, folder)  # the real file 3 is read: the renamed copy was never counted
    assert providers(jo) == ["Ash House", "Elm House", "Oak House"] and report.problems == []


def test_another_laptops_report_names_the_file_and_both_users(laptops, folder):
    """Sam reads Jo's report of Alex's damaged file: he is told whom to ask."""
    jo, alex, sam = laptops("Jo Morgan", "Alex Patel", "Sam Reid")
    for laptop in (alex, jo, sam):
        sync(laptop, folder)
    edit(alex, "Oak House")
    sync(alex, folder)
    (path,) = own_files(folder, alex)
    path.write_bytes(path.read_bytes()[:40])
    sync(jo, folder)
    report = sync(sam, folder)
    line = next(line for line in report.unreadable if line.startswith("Jo Morgan's laptop"))
    assert f"cannot read {name(folder, path)}" in line and "ask Alex Patel to sync" in line, line
    assert line in status(sam).unreadable
    assert device_json(folder, jo)["user"] == "Jo Morgan"


def device_json(folder: FolderStore, laptop) -> dict:
    """A laptop's device.json, opened with the team key (in the folder it is sealed)."""
    path = folder.root / "changes" / laptop.device_id / "device.json"
    assert b"Jo Morgan" not in path.read_bytes() and b"Alex Patel" not in path.read_bytes()
    return folder.team.open_json("notes", path.read_bytes(), f"qa-desktop-device|{laptop.device_id}")


def test_sync_status_says_what_is_not_on_the_shared_store_and_what_cannot_be_read(
        laptops, folder, capsys):
    jo, alex = laptops("Jo Morgan", "Alex Patel")
    edit(alex, "Oak House")
    sync(alex, folder)
    (path,) = own_files(folder, alex)
    path.write_bytes(path.read_bytes()[:-20])
    sync(jo, folder)
    edit(jo, "Elm House")
    edit(jo, "Ash House")
    for laptop in (jo, alex):
        laptop.close()
    assert main(["sync-status", "--data-dir", str(jo.data_dir)]) == 0
    out = capsys.readouterr().out
    waiting = next(line for line in out.splitlines() if "waiting to go" in line)
    assert waiting.startswith("Changes waiting to go: ") and int(waiting.split(": ")[1]) > 0
    assert f"This laptop cannot read {name(folder, path)}: it is damaged or incomplete" in out
    assert "ask Alex Patel to sync" in out


def test_the_window_flags_a_file_a_laptop_cannot_read_and_names_it_in_the_tooltip(laptops, folder, qtbot):
    from PySide6.QtWidgets import QWidget

    from qa_desktop.ui.sync_controller import SyncController
    from qa_desktop.workspace import Workspace

    jo, alex = laptops("Jo Morgan", "Alex Patel")
    edit(alex, "Oak House")
    sync(alex, folder)
    (path,) = own_files(folder, alex)
    path.write_bytes(path.read_bytes()[:-20])
    sync(jo, folder)
    parent = QWidget()
    qtbot.addWidget(parent)
    controller = SyncController(Workspace(jo), parent)
    assert controller.label.text().endswith(" · all your work is shared · 1 file a laptop cannot read")
    tip = controller.label.toolTip()
    assert tip.startswith(f"This laptop cannot read {name(folder, path)}: it is damaged") and "ask Alex Patel" in tip

    sync(alex, folder), sync(jo, folder)  # healed: the status bar has its usual shape again
    controller.refresh_status()
    assert controller.label.text().endswith(" · all your work is shared") and controller.label.toolTip() == ""


def test_a_file_over_the_limits_is_refused_by_name_and_files_are_cut_by_size(laptops, folder, monkeypatch):
    from qa_desktop.sync import folder as folder_module

    jo, alex = laptops("Jo Morgan", "Alex Patel")
    monkeypatch.setattr(folder_module, "SEGMENT_BYTES", 1000)  # a new file past about 1 KB of changes
    for house in ("Oak House", "Elm House"):
        edit(alex, house)
    sync(alex, folder)
    files = own_files(folder, alex)
    assert len(files) > 1
    monkeypatch.setattr(folder_module, "MAX_SEGMENT_TEXT", 100)  # as if each unpacked to gigabytes
    report = sync(jo, folder)
    assert report.pulled == 0
    assert all(any(name(folder, path) in p and "more than a change file may hold (0 MB)" in p for p in report.problems)
               for path in files)
    monkeypatch.setattr(folder_module, "MAX_SEGMENT_TEXT", 64 * 1024 * 1024)
    sync(jo, folder)
    assert snapshot(jo) == snapshot(alex)
