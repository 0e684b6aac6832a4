"""What an import changed, provider by provider: shown when an import ends, and for any earlier
import (File > What imports changed…), since every import is kept as a dated record.

A table (model/view over the workspace's ``ChangeLine``s) with a search box and a "What changed"
filter, both on a ``QSortFilterProxyModel``, so 10,000 lines filter as fast as 10; the lines about
the sanctions list and judgements that got worse are flagged (bold, the warning colour, and said in
words). Export… writes what is shown to Excel or CSV, in the background. The window hears the
change signal: an import made on another laptop and synced here joins the list of imports.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRegularExpression, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qa_desktop.ui.background import BackgroundTask
from qa_desktop.ui.change_hub import ChangeHub
from qa_desktop.ui.file_names import safe_file_name, start_folder
from qa_desktop.ui.rows_model import SORT_ROLE, Column, RowsModel, table_view
from qa_desktop.workspace import OpChanges, Workspace
from qa_desktop.workspace.register import ChangeLine, ImportRecord, What

#: Lines that need the team's attention: said in words beside the colour.
_FLAGGED = {What.SANCTIONED: "on the sanctions list", What.JUDGEMENT_KEPT: "an older judgement in the file"}

COLUMNS: list[Column[ChangeLine]] = [
    Column("Provider", lambda c: c.provider),
    Column("URN", lambda c: c.urn),
    Column("What changed", lambda c: c.what.value),
    Column("Before", lambda c: c.before),
    Column("After", lambda c: c.after),
    Column("Note", lambda c: c.note),
]


def flag(line: ChangeLine) -> str | None:
    if line.what is What.JUDGEMENT and line.note == "worse than before":
        return "the judgement got worse"
    return _FLAGGED.get(line.what)


def skipped_words(skipped: list[str]) -> str:
    """Rows skipped, one line per reason with the lines it applies to ("line 9: reason" in)."""
    by_reason: dict[str, list[str]] = {}
    for entry in skipped:
        where, _, reason = entry.partition(": ")
        if not where.startswith("line ") or not reason:
            where, reason = "", entry
        by_reason.setdefault(reason, []).append(where.removeprefix("line "))
    lines = []
    for reason, found_at in list(by_reason.items())[:6]:
        places = [w for w in found_at if w]
        at = f" (line{'s' if len(places) > 1 else ''} {', '.join(places[:8])}{', …' if len(places) > 8 else ''})" \
            if places else ""
        lines.append(f"• {len(found_at)} rows: {reason}{at}" if len(found_at) > 1 else f"• {reason}{at}")
    if len(by_reason) > 6:
        lines.append(f"• and {len(by_reason) - 6} other reasons")
    return "Rows not imported:\n" + "\n".join(lines)


def _label(words: str, buddy: QWidget) -> QLabel:
    """A label whose Alt+letter moves to ``buddy``."""
    label = QLabel(words)
    label.setBuddy(buddy)
    return label


class _Filter(QSortFilterProxyModel):
    """Words in any column, and one kind of change (or all)."""

    def __init__(self, model: RowsModel[ChangeLine]) -> None:
        super().__init__(model)
        self.setSourceModel(model)
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)
        self._model = model
        self.what: What | None = None

    def set_what(self, what: What | None) -> None:
        self.beginFilterChange()
        self.what = what
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        if self.what is not None and self._model.row_at(source_row).what is not self.what:
            return False
        return super().filterAcceptsRow(source_row, source_parent)


class ImportReportWindow(QDialog):
    """The change report of one import, with the earlier imports a choice away."""

    def __init__(self, workspace: Workspace, hub: ChangeHub, import_id: str | None = None,
                 parent: QWidget | None = None, *, skipped: list[str] | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle("What the import changed")
        self.setAccessibleName("What the import changed")
        self.resize(1180, 640)
        self.records: list[ImportRecord] = []
        self.chooser = QComboBox()
        self.chooser.setAccessibleName("Import")
        self.chooser.currentIndexChanged.connect(lambda _: self._show_chosen())
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.skipped = QLabel()
        self.skipped.setWordWrap(True)
        self.skipped.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.skipped.setVisible(bool(skipped))
        if skipped:
            self.skipped.setText(skipped_words(skipped))
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search provider, URN, judgement…")
        self.search.setAccessibleName("Search the changes")
        self.search.setClearButtonEnabled(True)
        self.what = QComboBox()
        self.what.setAccessibleName("What changed")
        self.what.addItem("Every change", None)
        for what in What:
            self.what.addItem(what.value, what.value)  # as text: Qt keeps a str, not the enum
        self.model: RowsModel[ChangeLine] = RowsModel(COLUMNS, self, flag=flag)
        self.view = table_view(self.model, "Changes")
        self.proxy = _Filter(self.model)
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.search.textChanged.connect(self._search)
        self.what.currentIndexChanged.connect(lambda _: self._filter_what())
        self.count = QLabel()
        self.export_button = QPushButton("&Export what is shown…")
        self.export_button.setToolTip("Save the lines as filtered to an Excel workbook (.xlsx) or a CSV file")
        self.export_button.clicked.connect(lambda: self.export())
        close = QPushButton("&Close")
        close.clicked.connect(self.accept)
        top = QHBoxLayout()
        top.addWidget(_label("&Import:", self.chooser))
        top.addWidget(self.chooser, 1)
        filters = QHBoxLayout()
        filters.addWidget(_label("&Search:", self.search))
        filters.addWidget(self.search, 2)
        filters.addWidget(_label("&What changed:", self.what))
        filters.addWidget(self.what, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(self.export_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.skipped)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)
        self.task: BackgroundTask | None = None
        self._load(import_id)
        hub.changed.connect(self._on_changes)

    # -- what is shown ----------------------------------------------------------------------------

    def _load(self, import_id: str | None = None) -> None:
        self.records = self.workspace.register.imports()
        self.chooser.blockSignals(True)
        self.chooser.clear()
        for record in self.records:
            self.chooser.addItem(f"{record.imported_at.astimezone():%d/%m/%Y %H:%M} · {record.file_name} · "
                                 f"{record.imported_by}", record.id)
        at = next((n for n, r in enumerate(self.records) if r.id == import_id), 0)
        self.chooser.setCurrentIndex(at if self.records else -1)
        self.chooser.blockSignals(False)
        self._show_chosen()

    @property
    def record(self) -> ImportRecord | None:
        at = self.chooser.currentIndex()
        return self.records[at] if 0 <= at < len(self.records) else None

    def _show_chosen(self) -> None:
        record = self.record
        if record is None:
            self.summary.setText("No provider file has been imported yet.")
            self.model.set_rows([])
        else:
            when = record.imported_at.astimezone()
            self.summary.setText(f"<b>{escape(record.summary)}</b><br>Imported {when:%d %B %Y at %H:%M} by "
                                 f"{escape(record.imported_by)}. Kept as a record for the team.")
            self.model.set_rows(self.workspace.register.import_changes(record.id))
            self.view.resizeColumnsToContents()
            for column, most in ((0, 260), (3, 220), (4, 260)):
                self.view.setColumnWidth(column, min(self.view.columnWidth(column), most))
        self._count()

    def _search(self, text: str) -> None:
        self.proxy.setFilterRegularExpression(QRegularExpression(QRegularExpression.escape(text.strip()),
                                                                 QRegularExpression.PatternOption.CaseInsensitiveOption))
        self._count()

    def _filter_what(self) -> None:
        data = self.what.currentData()
        self.proxy.set_what(What(data) if data else None)
        self._count()

    def _count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        flagged = sum(1 for line in self.shown_lines() if flag(line))
        words = f"{shown:,} of {total:,} line(s) shown" if shown != total else f"{total:,} line(s)"
        self.count.setText(words + (f"; {flagged:,} need attention (in bold)" if flagged else ""))
        self.export_button.setEnabled(shown > 0)

    def shown_lines(self) -> list[ChangeLine]:
        """The lines as the view shows them: filtered and in its order."""
        return [self.model.row_at(self.proxy.mapToSource(self.proxy.index(row, 0)).row())
                for row in range(self.proxy.rowCount())]

    def _on_changes(self, changes: OpChanges) -> None:
        if changes.touches("provider_imports"):
            current = self.record.id if self.record else None
            self._load(current)

    # -- export ------------------------------------------------------------------------------------

    def export(self, path: str | None = None) -> BackgroundTask | None:
        """Save what is shown (filtered, in the view's order), in the background."""
        record = self.record
        if record is None or (self.task is not None and self.task.running):
            return None
        if path is None:
            name = safe_file_name(f"What {Path(record.file_name).stem} changed "
                                  f"{record.imported_at.astimezone():%Y-%m-%d}", ".xlsx")
            path, _ = QFileDialog.getSaveFileName(self, "Export what the import changed",
                                                  str(Path(start_folder()) / name),
                                                  "Excel workbook (*.xlsx);;CSV file (*.csv)")
            if not path:
                return None
        target = Path(path) if Path(path).suffix.lower() in (".xlsx", ".csv") else Path(f"{path}.xlsx")
        lines = self.shown_lines()
        register = self.workspace.register
        task = BackgroundTask(self, "Exporting the changes", lambda progress: register.export_import_changes(
            lines, target, title=f"What {record.file_name} changed"))
        task.finished.connect(lambda count: QMessageBox.information(
            self, "Changes exported", f"Saved {count:,} line(s) to {target}."))
        task.failed.connect(lambda message: QMessageBox.warning(
            self, "Not exported", f"{target} could not be written: {message}"))
        self.task = task.start()
        return task
