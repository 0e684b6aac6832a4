"""The data folder itself: its key follows it when it moves, a damaged file is said in words and
``recover`` brings back what it can, and on POSIX it is its owner's alone (0700 / 0600)."""

from __future__ import annotations

import os
import stat

import pytest
from sqlalchemy import select, text

from qa_desktop.cli import main
from qa_desktop.credentials import SERVICE
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.paths import DATABASE_NAME
from qa_desktop.services.visits import open_visit
from qa_desktop.store.database import Store
from qa_desktop.store.keys import FOLDER_ID_FILE, DatabaseDamaged, KeyLost, key_account, path_key_account
from qa_desktop.store.models import Provider
from qa_desktop.sync.engine import sync
from qa_desktop.sync.folder import FolderStore
from tests.sync.conftest import first_items, make_visit

# -- the key follows the folder ---------------------------------------------------------------------


def test_a_moved_or_renamed_data_folder_still_finds_its_key(tmp_path):
    store = Store(tmp_path / "alex" / "qa-desktop", actor="alex")
    visit_id = make_visit(store, TemplateLibrary.load())
    store.close()
    moved = tmp_path / "alex.patel-renamed-profile" / "qa-desktop"  # a renamed Windows profile
    moved.parent.mkdir()
    os.replace(tmp_path / "alex" / "qa-desktop", moved)
    again = Store(moved, actor="alex")
    try:
        assert open_visit(again, visit_id).checklists
    finally:
        again.close()


def test_a_folder_from_before_moves_its_key_to_the_folders_id(tmp_path, memory_keyring):
    data = tmp_path / "data"
    store = Store(data, actor="alex")
    key = store.key
    store.close()
    # as the version before left it: no id in the folder, the key named from the folder's path
    (data / FOLDER_ID_FILE).unlink()
    memory_keyring.secrets.clear()
    memory_keyring.secrets[(SERVICE, path_key_account(data))] = key.hex()

    again = Store(data, actor="alex")
    again.close()
    assert (data / FOLDER_ID_FILE).exists()
    assert memory_keyring.secrets == {(SERVICE, key_account(data)): key.hex()}  # moved, the old entry gone
    moved = tmp_path / "elsewhere"
    os.replace(data, moved)
    Store(moved, actor="alex").close()  # and from now on it follows the folder


def test_a_damaged_folder_id_is_said_in_words(tmp_path):
    Store(tmp_path / "data", actor="alex").close()
    (tmp_path / "data" / FOLDER_ID_FILE).write_text("{not json")
    with pytest.raises(KeyLost, match=r"folder-id.json cannot be read .*Nothing has been changed"):
        Store(tmp_path / "data", actor="alex")


# -- a damaged database ---------------------------------------------------------------------------------

def _damage_table(store: Store, table: str) -> None:
    """Zero 100 bytes in the first page of ``table`` (what a failing disk does), the store closed."""
    with store.read() as session:
        root = int(session.execute(text("SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = :t"),
                                   {"t": table}).scalar_one())
        page_size = int(session.execute(text("PRAGMA page_size")).scalar_one())
    store.close()
    with store.path.open("r+b") as handle:
        handle.seek((root - 1) * page_size + 200)
        handle.write(b"\0" * 100)


def test_a_damaged_database_is_said_in_words_at_start_and_in_a_command(tmp_path, capsys):
    data = tmp_path / "data"
    store = Store(data, actor="alex")
    with store.write() as changes:
        for n in range(40):
            changes.create(Provider, name=f"Provider {n}", service_type="residential")
    _damage_table(store, "providers")
    store = Store(data, actor="alex")  # opens: the damage is in a table the start does not read
    with pytest.raises(DatabaseDamaged, match=r"is damaged: part of it cannot be read .* `qa-desktop recover`"), \
            store.read() as session:
        session.scalars(select(Provider)).all()
    store.close()
    capsys.readouterr()
    assert main(["providers", "--data-dir", str(data)]) == 3
    err = capsys.readouterr().err
    assert "is damaged" in err and "qa-desktop recover" in err and "Traceback" not in err
    assert "hmac check failed" not in err  # the cipher's own log stays quiet

    _damage_table(Store(data, actor="alex"), "local_state")  # now also what every start reads
    with pytest.raises(DatabaseDamaged, match="is damaged"):
        Store(data, actor="alex")


def test_recover_on_a_damaged_database_starts_again_and_brings_back_unsynced_changes(tmp_path, capsys):
    data, shared = tmp_path / "data", tmp_path / "shared"
    store = Store(data, actor="alex")
    library = TemplateLibrary.load()
    visit_id = make_visit(store, library)
    sync(store, FolderStore(shared))
    main(["sync-settings", "--data-dir", str(data), "--folder", str(shared)])
    item = first_items(store, visit_id, 1)[0]
    open_visit(store, visit_id).set_note(*item, "Typed after the last sync: must not be lost")
    for n in range(30):
        with store.write() as changes:
            changes.create(Provider, name=f"Filler {n}", service_type="residential")
    _damage_table(store, "providers")
    capsys.readouterr()

    assert main(["recover", "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    assert "is damaged" in out and "kept in" in out and "Recovered from the shared store" in out
    assert "Brought back from the damaged file:" in out
    (aside,) = [p for p in data.iterdir() if p.name.startswith("unreadable-")]
    assert (aside / DATABASE_NAME).exists() and (aside / FOLDER_ID_FILE).exists()
    recovered = Store(data, actor="alex")
    try:
        note = open_visit(recovered, visit_id).checklists[item[0]].record(item[1]).note
        assert note == "Typed after the last sync: must not be lost"
    finally:
        recovered.close()
    other = Store(tmp_path / "other", actor="jo")  # and it went to the shared store
    try:
        sync(other, FolderStore(shared))
        assert open_visit(other, visit_id).checklists[item[0]].record(item[1]).note.startswith("Typed after")
    finally:
        other.close()


# -- folders 0700, files 0600 -----------------------------------------------------------------------

@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_the_data_folder_is_its_owners_alone_and_an_old_one_is_tightened(tmp_path):
    from PIL import Image

    from qa_desktop.services.reports import viewing_copy, write_visit_report

    data = tmp_path / "data"
    store = Store(data, actor="alex")
    visit_id = make_visit(store, TemplateLibrary.load())
    Image.new("RGB", (30, 20), "red").save(tmp_path / "p.jpg")
    open_visit(store, visit_id).attach_photo(*first_items(store, visit_id, 1)[0], tmp_path / "p.jpg", "A photo")
    viewing_copy(store, write_visit_report(store, visit_id).path)
    main(["sync-settings", "--data-dir", str(data), "--folder", str(tmp_path / "shared")])

    def modes() -> dict[str, int]:
        found = {}
        for folder, folders, files in os.walk(data):
            for name in [folder, *(os.path.join(folder, f) for f in folders + files)]:
                found[os.path.relpath(name, data)] = stat.S_IMODE(os.lstat(name).st_mode)
        return found

    found = modes()
    assert {"blobs", "reports", "viewing", DATABASE_NAME, FOLDER_ID_FILE, "sync-settings.json"} <= set(found)
    loose = {name: oct(mode) for name, mode in found.items()
             if mode != (0o700 if os.path.isdir(data / name) else 0o600)}
    assert loose == {}
    store.close()

    for name in modes():  # as a folder from before was left: 0755 / 0644
        os.chmod(data / name, 0o755 if os.path.isdir(data / name) else 0o644)
    Store(data, actor="alex").close()
    assert {name: oct(mode) for name, mode in modes().items()
            if mode != (0o700 if os.path.isdir(data / name) else 0o600)} == {}
