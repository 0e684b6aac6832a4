"""The provider register through the workspace: search, what is due, a provider's page, import.

Each method opens its own unit of work on the workspace's store and returns plain data; "today" is
the workspace clock's. Mutations return ``Done`` (``workspace.changes``).

After a change the register need not be read again whole: ``context(provider_ids)`` works out what
is due, the ratings and the sanctions of the providers it touched, and ``search(..., only=ids)``
reads just their rows with the search and filters on screen.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path
from typing import TYPE_CHECKING

from qa_desktop.domain.regulation import Judgement
from qa_desktop.domain.risk import Rag
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.services.audit import AuditLine, provider_audit
from qa_desktop.services.due import DueItem, due_items
from qa_desktop.services.oversight import TrackedAction, YearRating
from qa_desktop.services.provider_import import ImportFileError, ImportReport, import_providers
from qa_desktop.services.provider_page import CaseLine, ProviderOverview, SettingLine, VisitLine, provider_overview
from qa_desktop.services.register import (
    DueFilter,
    ProviderRow,
    RegisterContext,
    RegisterError,
    register_context,
    resolve_provider,
    search_providers,
)
from qa_desktop.services.register_filter import RegisterFilter
from qa_desktop.services.sanctions import SanctionRow
from qa_desktop.workspace.changes import Done

if TYPE_CHECKING:
    import datetime as dt

    from qa_desktop.workspace.core import Workspace

__all__ = [
    "RegisterService",
    # the register
    "ProviderRow", "RegisterContext", "DueFilter", "DueItem", "RegisterError", "RegisterFilter",
    # a provider's page
    "ProviderOverview", "SettingLine", "VisitLine", "CaseLine", "TrackedAction", "YearRating", "SanctionRow",
    "AuditLine",
    # importing providers
    "ImportReport", "ImportFileError",
]


class RegisterService:
    def __init__(self, workspace: Workspace) -> None:
        self._ws = workspace

    def context(self, provider_ids: Collection[str] | None = None) -> RegisterContext:
        """What is due, the risk ratings and the sanctions across the register, for today: worked
        out once when the data changes, then handed to every ``search``. Of ``provider_ids`` alone
        after a change to them (merge it in with ``RegisterContext.updated``)."""
        with self._ws._read() as session:
            return register_context(session, self._ws.clock.today(), provider_ids=provider_ids)

    def search(self, text: str = "", service_type: ServiceType | None = None, *, judgement: Judgement | None = None,
               due: DueFilter | None = None, risk: Rag | None = None, context: RegisterContext | None = None,
               limit: int | None = None, only: Collection[str] | None = None,
               local_authority: str | None = None) -> list[ProviderRow]:
        """The register's rows matching the search and filters, by name; of ``only`` these providers
        when given (a touched provider missing from the result no longer matches, or is gone). Each
        row carries its search text: a screen holding the rows searches them again in memory with
        ``RegisterFilter``, by the same rule."""
        with self._ws._read() as session:
            return search_providers(session, text, service_type, judgement=judgement, due=due, risk=risk,
                                    today=self._ws.clock.today(), context=context, limit=limit, only=only,
                                    local_authority=local_authority)

    def resolve(self, text: str) -> str:
        """A provider's id from its URN or words of its name; ``RegisterError`` unless exactly one."""
        with self._ws._read() as session:
            return resolve_provider(session, text)

    def page(self, provider_id: str) -> ProviderOverview:
        """One provider's page: facts, settings, what is due, visits, actions, cases, sanctions.
        ``VisitRuleError`` when the provider is not (or no longer) in the register."""
        with self._ws._read() as session:
            return provider_overview(session, provider_id, self._ws.clock.now())

    def due(self, *, today: dt.date | None = None, include_scheduled: bool = False,
            provider_id: str | None = None) -> list[DueItem]:
        """Visits and reviews overdue or due soon, most urgent first (for ``today``, by default the clock's)."""
        with self._ws._read() as session:
            return due_items(session, today or self._ws.clock.today(), include_scheduled=include_scheduled,
                             provider_id=provider_id)

    def audit(self, provider_id: str) -> list[AuditLine]:
        with self._ws._read() as session:
            return provider_audit(session, provider_id)

    def import_providers(self, path: Path | str, progress: Callable[[int, int], None] | None = None, *,
                         skipped_list: Path | None = None) -> Done[ImportReport]:
        """Import or update providers from a file in Ofsted's provider-level layout (or a council's).

        Every skipped row is listed in a text file (``ImportReport.skipped_list``): ``skipped_list``
        when given; else beside the imported file (``NAME-skipped-rows.txt``), or in the data
        folder's ``imports`` folder when that one cannot be written."""
        path = Path(path)
        name = f"{path.stem}-skipped-rows.txt"
        lists = [skipped_list] if skipped_list else [path.with_name(name), self._ws.data_dir / "imports" / name]
        return self._ws._mutation(lambda: import_providers(self._ws._store, path, progress=progress,
                                                           skipped_lists=lists))
