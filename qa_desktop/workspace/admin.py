"""The laptop itself through the workspace: who uses it, the demo data, the template library's
health, what an About says, and the two ways in that come before a workspace can open (the demo
folder's key, recovery from a lost key)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qa_desktop import __version__
from qa_desktop.clock import Clock
from qa_desktop.domain.roles import Role, User
from qa_desktop.forms.library import TEAM_TEMPLATES_FOLDER, BrokenTemplate
from qa_desktop.forms.template import Template
from qa_desktop.paths import DATABASE_NAME
from qa_desktop.services.demo import load_demo
from qa_desktop.services.provider_import import ImportReport
from qa_desktop.services.recovery import put_aside
from qa_desktop.store.keys import KeyLost, demo_key
from qa_desktop.workspace.changes import USER, Done
from qa_desktop.workspace.core import Workspace

__all__ = ["AdminService", "About", "TemplatesOverview", "open_demo", "recover", "KeyLost", "ImportReport",
           "Template", "BrokenTemplate"]


@dataclass(frozen=True)
class About:
    """What an About box or a support call needs: which version, whose laptop, which data."""

    version: str
    data_dir: Path
    user: User
    device_id: str


@dataclass(frozen=True)
class TemplatesOverview:
    """The visit and review templates this laptop offers, and those it refused with the reasons."""

    templates: tuple[Template, ...]     # by key, then version
    broken: tuple[BrokenTemplate, ...]
    team_folder: Path                   # where the team adds its own


class AdminService:
    def __init__(self, workspace: Workspace) -> None:
        self._ws = workspace

    def set_user(self, name: str | None = None, role: Role | None = None) -> Done[User]:
        """Who uses this laptop from now on (recorded with every change; kept on this laptop only)."""
        return self._ws._mutation(lambda: self._ws._store.set_user(name, role), USER)

    def load_demo(self) -> Done[ImportReport | None]:
        """The fictional demo data, once: the import report, or ``None`` when it is already loaded."""
        return self._ws._mutation(lambda: load_demo(self._ws._store, library=self._ws.library))

    def templates(self) -> TemplatesOverview:
        library = self._ws.library
        return TemplatesOverview(tuple(sorted(library.templates.values(), key=lambda t: (t.key, t.version))),
                                 tuple(library.broken), self._ws.data_dir / TEAM_TEMPLATES_FOLDER)

    def about(self) -> About:
        return About(__version__, self._ws.data_dir, self._ws.user, self._ws.device_id)


def open_demo(data_dir: Path, clock: Clock | None = None) -> Workspace:
    """The fictional demo folder's workspace. Where there is no keyring, its key may be kept in a
    file beside the data (``store.keys.demo_key``); real data never does."""
    return Workspace.open(data_dir, key=demo_key(data_dir, data_dir / DATABASE_NAME), clock=clock)


def recover(data_dir: Path, clock: Clock) -> Path:
    """Put a data folder that cannot be read (its key is lost) aside, never deleting it; returns
    where it went. Static because no workspace can open on that folder: a fresh one opens after,
    and a sync fills it from the shared store."""
    return put_aside(data_dir, clock.local_now())
