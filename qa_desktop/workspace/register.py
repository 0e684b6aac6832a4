"""The provider register through the workspace: search, what is due, a provider's page, import.

Each method opens its own unit of work on the workspace's store and returns plain data; "today" is
the workspace clock's. Mutations return ``Done`` (``workspace.changes``).

After a change the register need not be read again whole: ``context(provider_ids)`` works out what
is due, the ratings and the sanctions of the providers it touched, and ``search(..., only=ids)``
reads just their rows with the search and filters on screen.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa_desktop.domain.regulation import Judgement
from qa_desktop.domain.risk import Rag
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.services.register_filter import RegisterFilter
from qa_desktop.services.register_rows import DueFilter, ProviderRow, RegisterContext, RowsOnDemand
from qa_desktop.workspace.changes import Done
from qa_desktop.workspace.guard import Service

if TYPE_CHECKING:
    import datetime as dt

    from qa_desktop.services.audit import AuditLine
    from qa_desktop.services.due import DueItem
    from qa_desktop.services.import_changes import ChangeLine, ImportRecord, What
    from qa_desktop.services.oversight import TrackedAction, YearRating
    from qa_desktop.services.provider_import import ImportFileError, ImportReport
    from qa_desktop.services.provider_page import CaseLine, ProviderOverview, SettingLine, VisitLine
    from qa_desktop.services.register import RegisterError
    from qa_desktop.services.sanctions import SanctionRow

#: The types this module hands out whose modules import SQLAlchemy: imported when first asked for, so
#: that the window's first paint (the register's rows, ``DueFilter``, ``RegisterFilter``) does not
#: import SQLAlchemy (issue 22's cold start).
_LATER = {"AuditLine": "audit", "DueItem": "due", "ChangeLine": "import_changes", "ImportRecord": "import_changes",
          "What": "import_changes", "TrackedAction": "oversight", "YearRating": "oversight",
          "ImportFileError": "provider_import", "ImportReport": "provider_import", "CaseLine": "provider_page",
          "ProviderOverview": "provider_page", "SettingLine": "provider_page", "VisitLine": "provider_page",
          "RegisterError": "register", "SanctionRow": "sanctions"}


def __getattr__(name: str) -> object:
    module = _LATER.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f"qa_desktop.services.{module}"), name)


__all__ = [
    "RegisterService",
    # the register
    "ProviderRow", "RegisterContext", "RowsOnDemand", "DueFilter", "DueItem", "RegisterError", "RegisterFilter",
    # a provider's page
    "ProviderOverview", "SettingLine", "VisitLine", "CaseLine", "TrackedAction", "YearRating", "SanctionRow",
    "AuditLine",
    # importing providers, and what each import changed
    "ImportReport", "ImportFileError", "ImportRecord", "ChangeLine", "What",
]


class RegisterService(Service):
    area = "register"

    def context(self, provider_ids: Collection[str] | None = None, *, due: bool = True) -> RegisterContext:
        """What is due, the risk ratings and the sanctions across the register, for today: worked
        out once when the data changes, then handed to every ``search``. Of ``provider_ids`` alone
        after a change to them (merge it in with ``RegisterContext.updated``). Without ``due``,
        all but what is due (the costly part, for a window to show after the register)."""
        from qa_desktop.services.register import register_context

        with self._ws._read() as session:
            return register_context(session, self._ws.clock.today(), provider_ids=provider_ids, due=due)

    def search(self, text: str = "", service_type: ServiceType | None = None, *, judgement: Judgement | None = None,
               due: DueFilter | None = None, risk: Rag | None = None, context: RegisterContext | None = None,
               limit: int | None = None, only: Collection[str] | None = None,
               local_authority: str | None = None, monitored: bool | None = None) -> list[ProviderRow]:
        """The register's rows matching the search and filters, by name; of ``only`` these providers
        when given (a touched provider missing from the result no longer matches, or is gone);
        ``monitored``: only those monitored by us (True) or not (False). Each row carries its
        search text: a screen holding the rows searches them again in memory with
        ``RegisterFilter``, by the same rule."""
        from qa_desktop.services.register import search_providers

        with self._ws._read() as session:
            return search_providers(session, text, service_type, judgement=judgement, due=due, risk=risk,
                                    today=self._ws.clock.today(), context=context, limit=limit, only=only,
                                    local_authority=local_authority, monitored=monitored)

    def search_once(self, text: str = "", service_type: ServiceType | None = None, *,
                    judgement: Judgement | None = None, local_authority: str | None = None,
                    monitored: bool | None = None, limit: int | None = None) -> list[ProviderRow]:
        """``search``, for a workspace opened to answer one search (``qa-desktop providers``): from
        the register's first look when it was opened with one (``Workspace.open_for_window``) and
        the store is still unopened, so SQLAlchemy is never imported (issue 22: the command's import
        and opening cost several times its search). The same rows as ``search`` as of that
        snapshot, taken as the workspace opened; from the store otherwise."""
        look = self._ws.first_look
        if look is not None and not self._ws.is_open:
            wanted = RegisterFilter(text, service_type, judgement, local_authority=local_authority, monitored=monitored)
            rows = look.rows.search(wanted, limit=limit)
            if rows is not None:
                return rows
        return self.search(text, service_type, judgement=judgement, local_authority=local_authority,
                           monitored=monitored, limit=limit)

    def resolve(self, text: str) -> str:
        """A provider's id from its URN or words of its name; ``RegisterError`` unless exactly one."""
        from qa_desktop.services.register import resolve_provider

        with self._ws._read() as session:
            return resolve_provider(session, text)

    def page(self, provider_id: str, *, lists: Collection[str] | None = None) -> ProviderOverview:
        """One provider's page: facts, settings, what is due, visits, actions, cases, sanctions.
        ``VisitRuleError`` when the provider is not (or no longer) in the register. With ``lists``,
        of the lists a tab shows alone (``LAZY_LISTS``) only those named are read; the page names the
        others in ``unread`` and carries their counts: read each with ``page_list`` when shown."""
        from qa_desktop.services.provider_page import provider_overview

        with self._ws._read() as session:
            return provider_overview(session, provider_id, self._ws.clock.now(), lists=lists)

    def page_list(self, provider_id: str, name: str) -> Sequence[Any]:
        """One list of a provider's page as ``page`` gives it (``name`` of ``LAZY_LISTS``: "visits",
        "cases", "contacts", "elements", "reviews"), read alone when its tab is shown."""
        from qa_desktop.services.provider_page import page_list

        with self._ws._read() as session:
            return page_list(session, provider_id, name)

    def due(self, *, today: dt.date | None = None, include_scheduled: bool = False,
            provider_id: str | None = None, everyone: bool = False) -> list[DueItem]:
        """Visits, reviews and documents overdue or due soon, most urgent first (for ``today``, by
        default the clock's), of the providers monitored by us: of every provider with ``everyone``
        (or when one ``provider_id`` is asked for)."""
        from qa_desktop.services.due import due_items

        with self._ws._read() as session:
            return due_items(session, today or self._ws.clock.today(), include_scheduled=include_scheduled,
                             provider_id=provider_id, monitored_only=not everyone and provider_id is None)

    def audit(self, provider_id: str) -> list[AuditLine]:
        from qa_desktop.services.audit import provider_audit

        with self._ws._read() as session:
            return provider_audit(session, provider_id)

    def import_providers(self, path: Path | str, progress: Callable[[int, int], None] | None = None, *,
                         skipped_list: Path | None = None) -> Done[ImportReport]:
        """Import or update providers from a file in Ofsted's provider-level or in-year layout, or a
        council's list (CSV or Excel); its change report is kept (``import_changes``). Homes owned
        under this council's names (``ws.admin.internal_owners``) are internally commissioned. The
        planner's statistics are brought up to date after it (a register that grew from nothing to
        20,000 providers is planned as such from the next query on).

        Every skipped row is listed in a text file (``ImportReport.skipped_list``): ``skipped_list``
        when given; else beside the imported file (``NAME-skipped-rows.txt``), or in the data
        folder's ``imports`` folder when that one cannot be written."""
        from qa_desktop.services.provider_import import import_providers
        from qa_desktop.services.team_settings import internal_owners

        path = Path(path)
        name = f"{path.stem}-skipped-rows.txt"
        lists = [skipped_list] if skipped_list else [path.with_name(name), self._ws.data_dir / "imports" / name]
        with self._ws._read() as session:
            owners = internal_owners(session)
        done = self._ws._mutation(lambda: import_providers(self._ws._store, path, progress=progress,
                                                           council_owners=owners, skipped_lists=lists))
        self._ws._store.optimize()
        return done

    # -- what imports changed (issue 17: every import is a change report) ---------------------------

    def imports(self, limit: int | None = None) -> list[ImportRecord]:
        """The imports kept, newest first (from every laptop that syncs)."""
        from qa_desktop.services.import_changes import import_history

        with self._ws._read() as session:
            return import_history(session, limit=limit)

    def import_record(self, import_id: str) -> ImportRecord | None:
        from qa_desktop.services.import_changes import import_record

        with self._ws._read() as session:
            return import_record(session, import_id)

    def import_changes(self, import_id: str) -> list[ChangeLine]:
        """What the import changed, provider by provider, in the order of its file."""
        from qa_desktop.services.import_changes import change_lines

        with self._ws._read() as session:
            return list(change_lines(session, import_id))

    def export_import_changes(self, lines: Sequence[ChangeLine], path: Path, *, title: str = "What changed") -> int:
        """Write ``lines`` (as the screen filtered them) to ``path`` (.xlsx or .csv, else
        ``ValueError``); how many. It changes no record, so it is no mutation."""
        from qa_desktop.services.import_changes import export_changes

        export_changes(list(lines), path, title=title)
        return len(lines)
