"""The QA tracker through the workspace (Section 11, and the scrutiny committee's yearly figures):
the annual figures for any calendar or financial year beside the previous one, and the alerts
marked whether they affect a child the council has placed. The same service for the Tracker window
and ``qa-desktop figures`` / ``annual-report``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa_desktop.domain.annual_figures import ActionFigures, AnnualFigures, Breakdown, Count, LevelActions
from qa_desktop.domain.reporting_year import ReportingYear, Span, YearKind, spans
from qa_desktop.services.alert_impact import AlertCount, AlertLine, alert_lines, count_alerts
from qa_desktop.services.annual_figures import annual_figures
from qa_desktop.services.council import branding
from qa_desktop.services.workbook import WorkbookReport
from qa_desktop.services.workbook import export_list as write_list
from qa_desktop.services.workbook import export_workbook as write_workbook
from qa_desktop.workspace.guard import Service

if TYPE_CHECKING:  # the report's builder (ReportLab) is imported when a report is made, not at start
    from qa_desktop.reports.annual_report import AnnualReport

__all__ = ["TrackerService", "AnnualFigures", "Breakdown", "Count", "ActionFigures", "LevelActions", "ReportingYear",
           "YearKind", "Span", "AlertLine", "AlertCount", "AnnualReport", "WorkbookReport"]


class TrackerService(Service):
    area = "tracker"

    def this_year(self, kind: YearKind = YearKind.CALENDAR) -> ReportingYear:
        """The year of ``kind`` today falls in, by the workspace clock."""
        return ReportingYear.of(kind, self._ws.clock.today())

    def span(self, year: ReportingYear) -> Span:
        """The days ``year`` is counted over (to today while it is in progress)."""
        return spans(year, self._ws.clock.today())[0]

    def figures(self, year: ReportingYear | None = None) -> AnnualFigures:
        """Every figure of the tracker for ``year`` (this calendar year by default) beside the previous year."""
        chosen = year or self.this_year()
        with self._ws._read() as session:
            return annual_figures(session, chosen, self._ws.clock.now())

    def alerts(self, *, span: Span | None = None, provider_id: str | None = None, affecting_only: bool = False,
               text: str = "") -> list[AlertLine]:
        """Regulatory alerts (received in ``span``), each marked whether it affects our children."""
        with self._ws._read() as session:
            return alert_lines(session, self._ws.clock.today(), span=span, provider_id=provider_id,
                               affecting_only=affecting_only, text=text)

    def alert_count(self, year: ReportingYear | None = None) -> AlertCount:
        """"9 of 495": alerts received in the year and of them those affecting our children."""
        with self._ws._read() as session:
            return count_alerts(session, self.span(year or self.this_year()), self._ws.clock.today())

    def annual_report(self, path: Path, year: ReportingYear | None = None) -> AnnualReport:
        """Write the committee's PDF of ``year``'s figures (this calendar year by default) to ``path``.
        It changes no record, so it is no mutation."""
        from qa_desktop.reports.annual_report import ReportFacts, build_annual_report

        figures = self.figures(year)
        brand = branding(self._ws._store)  # the council's own details: the one function every report reads
        facts = ReportFacts(brand.council_name, brand.service_name, self._ws.clock.today(),
                            self._ws.user.name)
        return build_annual_report(figures, facts, path)

    def export_workbook(self, path: Path, year: ReportingYear | None = None,
                        progress: Callable[[str, int, int], None] | None = None) -> WorkbookReport:
        """Everything to one Excel workbook, a sheet each, with ``year``'s figures (this calendar year
        by default). It changes no record, so it is no mutation."""
        figures = self.figures(year)
        with self._ws._read() as session:
            return write_workbook(session, path, figures, self._ws.clock.today(), progress)

    def export_list(self, path: Path, title: str, rows: Sequence[Any]) -> int:
        """A list of the Tracker window as it is shown (its rows, in its order) to a workbook; its rows."""
        return write_list(rows, path, title, self._ws.clock.today())


def __getattr__(name: str) -> Any:
    """``AnnualReport``, named in ``__all__``, from the report's module when first asked for."""
    if name == "AnnualReport":
        from qa_desktop.reports.annual_report import AnnualReport

        return AnnualReport
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
