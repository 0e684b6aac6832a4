"""The laptop itself through the workspace: who uses it, the demo data, the template library's
health, what an About says, and the two ways in that come before a workspace can open (the demo
folder's key, recovery from a lost key)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import DatabaseError

from qa_desktop import __version__
from qa_desktop.clock import Clock
from qa_desktop.domain.roles import Role, User
from qa_desktop.forms.library import TEAM_TEMPLATES_FOLDER, BrokenTemplate
from qa_desktop.forms.template import Template
from qa_desktop.logs import describe_error, where_the_log_is
from qa_desktop.paths import DATABASE_NAME
from qa_desktop.services.audit import AuditCheck, verify_log
from qa_desktop.services.change_words import changes_in_words
from qa_desktop.services.demo import load_demo
from qa_desktop.services.provider_import import ImportReport
from qa_desktop.services.recovery import Salvaged, put_aside, salvage
from qa_desktop.services.team import TeamError, TeamMemberLine, add_member, remove_member, team
from qa_desktop.services.team_settings import SettingError, internal_owners, set_internal_owners
from qa_desktop.store.database import peek_schema_revision, schema_head
from qa_desktop.store.keys import KeyLost, demo_key
from qa_desktop.workspace.changes import USER, Done, OpChanges
from qa_desktop.workspace.core import Workspace
from qa_desktop.workspace.guard import Service

__all__ = ["AdminService", "About", "TemplatesOverview", "describe", "open_demo", "recover", "KeyLost", "ImportReport",
           "Template", "BrokenTemplate", "TeamError", "TeamMemberLine", "SettingError", "Salvaged",
           "AuditCheck"]


@dataclass(frozen=True)
class About:
    """What an About box, ``qa-desktop --version`` or a support call needs: which version, which
    database schema, which data, where the log is."""

    version: str
    schema_head: str             # the newest schema revision this version brings
    schema: str                  # the data folder's, in words
    data_dir: Path
    log_file: str
    user: User | None = None     # who uses this laptop, when the data is open
    device_id: str | None = None

    def lines(self) -> list[tuple[str, str]]:
        """(what, value) pairs, in the order a person reads them."""
        lines = [("Version", self.version), ("Database schema", self.schema), ("Data folder", str(self.data_dir)),
                 ("Log file", self.log_file)]
        if self.user is not None:
            lines.append(("Signed in as", f"{self.user.name} ({self.user.role.label})"))
        if self.device_id is not None:
            lines.append(("This laptop's id", self.device_id))
        return lines


def _schema_words(revision: str | None, head: str) -> str:
    if revision is None:
        return f"no data yet (this version brings revision {head})"
    if revision == head:
        return f"revision {revision}, the newest this version knows"
    return f"revision {revision} (this version brings {head}: the data is brought up to it when opened)"


def describe(data_dir: Path) -> About:
    """About this version and a data folder that is not open: its schema is read without changing
    anything (no key is made, nothing is migrated)."""
    head = schema_head()
    try:
        words = _schema_words(peek_schema_revision(data_dir), head)
    except KeyLost:
        words = f"cannot be read on this computer (its key is not in this keyring); this version brings {head}"
    except (DatabaseError, OSError) as error:
        words = f"cannot be read ({describe_error(error)}); this version brings {head}"
    return About(__version__, head, words, data_dir, where_the_log_is())


@dataclass(frozen=True)
class TemplatesOverview:
    """The visit and review templates this laptop offers, and those it refused with the reasons."""

    templates: tuple[Template, ...]     # by key, then version
    broken: tuple[BrokenTemplate, ...]
    team_folder: Path                   # where the team adds its own


class AdminService(Service):
    area = "admin"

    def set_user(self, name: str | None = None, role: Role | None = None) -> Done[User]:
        """Who uses this laptop from now on (recorded with every change; kept on this laptop only)."""
        return self._ws._mutation(lambda: self._ws._store.set_user(name, role), USER)

    def in_words(self, changes: OpChanges) -> str:
        """What a change brought (a sync, a bundle), about people and places: "Jo Morgan's changes
        arrived: the visit to Harbour View on 22 Nov 2026" (``services.change_words``)."""
        with self._ws._read() as session:
            return changes_in_words(session, providers=changes.providers, visits=changes.visits, ops=changes.ops,
                                    me=self._ws.user.name, records=changes.records)

    def needs_setup(self) -> bool:
        """A first run: nobody has said who uses this laptop (its user is the computer's account
        name), so the window asks (``ui.setup_dialog``). Answered from the register's first look
        while the store is still to be opened (``Workspace.open_for_window``)."""
        look = self._ws.first_look
        if look is not None and not self._ws.is_open:
            return not look.user_confirmed
        return not self._ws._store.user_confirmed

    def team(self) -> list[TeamMemberLine]:
        """The QA team the visit forms pick officers from (synced)."""
        with self._ws._read() as session:
            return team(session)

    def add_team_member(self, name: str, role: Role = Role.QA_OFFICER) -> Done[TeamMemberLine]:
        """``TeamError`` (in words) for a blank name."""
        def add() -> TeamMemberLine:
            with self._ws._store.write() as changes:
                row = add_member(changes, name, role)
                return TeamMemberLine(row.id, row.name, row.role)
        return self._ws._mutation(add)

    def remove_team_member(self, member_id: str) -> Done[None]:
        def remove() -> None:
            with self._ws._store.write() as changes:
                remove_member(changes, member_id)
        return self._ws._mutation(remove)

    def load_demo(self) -> Done[ImportReport | None]:
        """The fictional demo data, once: the import report, or ``None`` when it is already loaded."""
        return self._ws._mutation(lambda: load_demo(self._ws._store, library=self._ws.library))

    def templates(self) -> TemplatesOverview:
        library = self._ws.library
        return TemplatesOverview(tuple(sorted(library.templates.values(), key=lambda t: (t.key, t.version))),
                                 tuple(library.broken), self._ws.data_dir / TEAM_TEMPLATES_FOLDER)

    def verify_audit(self) -> AuditCheck:
        """Check the whole audit log against every laptop's hash chain: forged, blanked or changed
        changes named in words (``services.audit.verify_log``)."""
        with self._ws._read() as session:
            return verify_log(session, self._ws.device_id)

    def check(self) -> None:
        """Read the whole data file: ``DatabaseDamaged`` (in words, with what to do) if part of it is damaged."""
        self._ws._store.check()

    def salvage(self, aside: Path) -> Done[Salvaged]:
        """Merge in what a damaged data file put aside by ``recover`` can still give: this laptop's
        changes not yet in the shared store, and photos (``services.recovery.salvage``)."""
        return self._ws._mutation(lambda: salvage(aside, self._ws._store))

    def about(self) -> About:
        head = schema_head()
        return About(__version__, head, _schema_words(self._ws._store.schema_revision(), head), self._ws.data_dir,
                     where_the_log_is(), self._ws.user, self._ws.device_id)

    # -- the team's shared settings -------------------------------------------------------------------

    def internal_owners(self) -> tuple[str, ...]:
        """The names this council owns homes under (its homes are internally commissioned)."""
        with self._ws._read() as session:
            return internal_owners(session)

    def set_internal_owners(self, names: Sequence[str]) -> Done[int]:
        """Set the names (synced to the team) and mark the register's homes by them; how many
        providers changed. ``SettingError`` in words for a list that cannot be right."""
        return self._ws._mutation(lambda: set_internal_owners(self._ws._store, names))


def open_demo(data_dir: Path, clock: Clock | None = None) -> Workspace:
    """The fictional demo folder's workspace. Where there is no keyring, its key may be kept in a
    file beside the data (``store.keys.demo_key``); real data never does."""
    return Workspace.open(data_dir, key=demo_key(data_dir, data_dir / DATABASE_NAME), clock=clock)


def recover(data_dir: Path, clock: Clock) -> Path:
    """Put a data folder that cannot be read (its key is lost, or it is damaged) aside, never deleting
    it; returns where it went. Static because no workspace can open on that folder: a fresh one
    opens after, a sync fills it from the shared store, and ``AdminService.salvage`` brings back
    what the damaged file can still give."""
    return put_aside(data_dir, clock.local_now())
