"""The register's columns on a new laptop: fitted when it is empty (its headers alone), they are
fitted again when the first providers arrive, and an empty register's widths are not kept for the
next start (walk6: after a first import at large text every name read "Childre…" and every URN
"SC80…", so the QA lead could not tell one provider from another)."""

from PySide6.QtCore import QSettings
from PySide6.QtGui import QFont, QFontMetrics

from qa_desktop.paths import resources_dir
from qa_desktop.ui.main_window import MainWindow

DEMO_CSV = resources_dir() / "demo" / "providers.csv"


def _window(qtbot, workspace, hub, settings_file):
    shown = MainWindow(workspace, hub, QSettings(str(settings_file), QSettings.Format.IniFormat))
    qtbot.addWidget(shown)
    font = QFont(shown.font())
    font.setPointSizeF(font.pointSizeF() * 1.5)  # the officer's larger text
    shown.setFont(font)
    shown.resize(1280, 720)
    shown.show()
    return shown


def _cut(window) -> list[str]:
    """The names and URNs of the rows on screen that their column cuts short (within the name's cap)."""
    columns = [c.header for c in window.model.columns]
    metrics = QFontMetrics(window.table.font())
    em = metrics.horizontalAdvance("M")
    cut = []
    for row in range(min(window.proxy.rowCount(), 10)):
        for header in ("Name", "URN"):
            column = columns.index(header)
            text = str(window.proxy.index(row, column).data() or "")
            wide = metrics.horizontalAdvance(text)
            if wide <= 12 * em and window.table.columnWidth(column) < wide:
                cut.append(text)
    return cut


def test_the_first_import_on_an_empty_register_fits_the_columns_to_the_providers(qtbot, workspace, hub, tmp_path):
    window = _window(qtbot, workspace, hub, tmp_path / "window.ini")
    assert window.model.rowCount() == 0
    workspace.register.import_providers(DEMO_CSV)
    hub.catch_up()
    qtbot.waitUntil(lambda: window.model.rowCount() == 10)
    assert _cut(window) == []


def test_an_empty_registers_widths_are_not_kept_for_the_next_start(qtbot, workspace, hub, tmp_path):
    settings = tmp_path / "window.ini"
    _window(qtbot, workspace, hub, settings).close()  # a first run: opened and closed with nothing in it
    workspace.register.import_providers(DEMO_CSV)  # the providers arrive by the command line, or a sync
    again = _window(qtbot, workspace, hub, settings)
    assert again.model.rowCount() == 10
    assert _cut(again) == []
