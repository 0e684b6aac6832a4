"""The council's own settings through the workspace: its details for reports and letters, and the
framework's figures (``services.council``). Changes are ops, so they sync and are audited, and the
change signal tells every open screen (``COUNCIL``) so what is due is worked out again at once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from qa_desktop.domain.framework import Framework, FrameworkError
from qa_desktop.services import council as council_service
from qa_desktop.services.audit import AuditLine, council_audit
from qa_desktop.services.council import Branding, CouncilSettingError, CouncilView
from qa_desktop.workspace.changes import COUNCIL, Done
from qa_desktop.workspace.guard import Service

__all__ = ["CouncilService", "CouncilView", "Branding", "Framework", "FrameworkError", "CouncilSettingError",
           "COUNCIL"]


class CouncilService(Service):
    area = "council"

    def settings(self) -> CouncilView:
        return council_service.council(self._ws._store)

    def branding(self) -> Branding:
        return council_service.branding(self._ws._store)

    def framework(self) -> Framework:
        """The framework's figures in force (the council's, else Medway's built-in ones): what a
        screen words a Figure 8 timescale with."""
        with self._ws._read() as session:
            return council_service.framework(session)

    def set_details(self, *, council_name: str | None = None, service_name: str | None = None,
                    address_block: str | None = None, protective_marking: str | None = None,
                    logo: bytes | None = None, clear: frozenset[str] = frozenset()) -> Done[CouncilView]:
        """What reports and letters say of the council (any officer). ``CouncilSettingError`` names
        a bad field; nothing is written then."""
        return self._ws._mutation(lambda: council_service.set_branding(
            self._ws._store, council_name=council_name, service_name=service_name, address_block=address_block,
            protective_marking=protective_marking, logo=logo, clear=clear), COUNCIL)

    def set_framework(self, figures: Mapping[str, Any] | None) -> Done[CouncilView]:
        """The framework's figures (QA lead only); ``None`` goes back to the built-in framework.
        ``FrameworkError`` names a bad figure; nothing is written then."""
        return self._ws._mutation(lambda: council_service.set_framework(self._ws._store, figures), COUNCIL)

    def audit(self) -> list[AuditLine]:
        """Who changed the council's settings, what to, when, on which laptop."""
        with self._ws._read() as session:
            return council_audit(session)

    def framework_yaml(self) -> str:
        """The figures in force as a YAML file to edit and set again (``set_framework_yaml``)."""
        return yaml.safe_dump(self.settings().framework.to_dict(), sort_keys=False, allow_unicode=True)

    def set_framework_yaml(self, text: str) -> Done[CouncilView]:
        try:
            figures = yaml.safe_load(text)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f" (line {mark.line + 1})" if mark is not None else ""
            problem = getattr(error, "problem", error)
            raise FrameworkError(f"The framework file is not YAML{where}: {problem}.") from None
        return self.set_framework(figures)
