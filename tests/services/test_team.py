"""The team list the visit forms pick officers from (synced)."""

from __future__ import annotations

from qa_desktop.domain.roles import Role
from qa_desktop.store.database import Store
from qa_desktop.sync.engine import sync
from qa_desktop.sync.folder import FolderStore
from qa_desktop.workspace import Workspace


def test_an_officer_added_again_or_after_removal_is_listed_once_and_the_return_syncs(tmp_path):
    """review6: adding a name already listed (Team and user's Save, every time) stopped on a TypeError
    from the write path, which no longer takes ``deleted`` through ``update``."""
    laptop, other = Store(tmp_path / "a", actor="Priya Shah"), Store(tmp_path / "b", actor="Jo Morgan")
    admin = Workspace(laptop).admin
    admin.add_team_member("Jo Morgan")
    admin.add_team_member("Jo  Morgan", Role.QA_LEAD)  # again: its role updated, listed once
    assert [(m.name, m.role) for m in admin.team()] == [("Jo Morgan", Role.QA_LEAD)]
    admin.remove_team_member(admin.team()[0].id)
    assert admin.team() == []
    admin.add_team_member("Jo Morgan")  # comes back
    assert [m.name for m in admin.team()] == ["Jo Morgan"]
    shared = FolderStore(tmp_path / "shared")
    sync(laptop, shared), sync(other, shared)
    assert [m.name for m in Workspace(other).admin.team()] == ["Jo Morgan"]
    laptop.close(), other.close()
