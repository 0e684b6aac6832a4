"""Errors nobody expected in the window (a dialog in plain words, the window carries on) and Help > About."""

import threading

import pytest
from PySide6.QtWidgets import QApplication, QPushButton

from qa_desktop import __version__, logs
from qa_desktop.cli import EXIT_UNEXPECTED
from qa_desktop.store.database import schema_head
from tests.test_logs_and_crashes import PERSONAL, log_text, run


@pytest.mark.qt_no_exception_capture
def test_an_error_in_a_button_shows_the_dialog_and_the_window_carries_on(qtbot, log_folder):
    from qa_desktop.ui.crash import WHAT_HAPPENED, CrashReporter

    logs.start_logging()
    reporter = CrashReporter().install()
    try:
        button = QPushButton("Do it")
        qtbot.addWidget(button)

        def broken() -> None:
            raise ValueError(PERSONAL)

        button.clicked.connect(broken)
        button.click()
        qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
        dialog = reporter.dialog
        assert dialog.text() == WHAT_HAPPENED
        words = dialog.informativeText()
        assert "Everything already saved is safe" in words and "What to do:" in words
        assert str(log_folder / "qa-desktop.log") in words
        assert PERSONAL in dialog.detailedText()  # on screen for IT support, never in the log

        button.click()  # again while the dialog is open: counted, not stacked
        qtbot.waitUntil(lambda: "2 times in a row" in dialog.text())
        assert reporter.dialog is dialog and len(reporter.caught) == 2

        dialog.copy_path.click()
        assert QApplication.clipboard().text() == str(log_folder / "qa-desktop.log")
        assert dialog.isVisible()  # the action buttons leave it open
        dialog.close_button.click()
        assert not dialog.isVisible()
        assert button.isEnabled()  # the window carries on
        log = log_text(log_folder)
        assert log.count("uncaught error in window: ValueError") == 2 and PERSONAL not in log
    finally:
        reporter.uninstall()


@pytest.mark.qt_no_exception_capture
def test_an_error_in_a_worker_thread_reaches_the_dialog_on_the_ui_thread(qtbot, log_folder):
    from qa_desktop.ui.crash import CrashReporter

    logs.start_logging()
    reporter = CrashReporter().install()
    try:
        def work() -> None:
            raise KeyError("visit 1234")

        thread = threading.Thread(target=work, name="photo-import")
        thread.start()
        thread.join()
        qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
        assert "uncaught error in window (photo-import): KeyError" in log_text(log_folder)
        reporter.dialog.close()
    finally:
        reporter.uninstall()


def test_a_window_that_cannot_open_shows_the_dialog_and_says_so(capsys, tmp_path, monkeypatch, log_folder, qapp):
    """An error building the window (before the event loop runs) is logged, said on stderr and shown."""
    from qa_desktop.ui import app, crash

    shown: list[str] = []
    monkeypatch.setattr(crash.CrashDialog, "exec", lambda self: shown.append(self.informativeText()) or 0)

    def broken_window(workspace):
        raise RuntimeError(PERSONAL)

    monkeypatch.setattr(app, "MainWindow", broken_window)
    code, _, err = run(capsys, "--data-dir", str(tmp_path / "data"))
    assert code == EXIT_UNEXPECTED and "unexpected error (RuntimeError)" in err
    assert len(shown) == 1 and str(log_folder / "qa-desktop.log") in shown[0]
    assert "uncaught error in window: RuntimeError" in log_text(log_folder)


def test_help_about_shows_version_schema_data_folder_and_log(qtbot, workspace, log_folder):
    from qa_desktop.ui.main_window import MainWindow

    window = MainWindow(workspace)
    qtbot.addWidget(window)
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    about = next(a for a in help_menu.actions() if "About" in a.text())
    assert about.isEnabled()
    dialog = window.show_about()
    values = {what: label.text() for what, label in dialog.values.items()}
    assert values["Version"] == __version__
    assert values["Database schema"] == f"revision {schema_head()}, the newest this version knows"
    assert values["Data folder"] == str(workspace.data_dir)
    assert values["Log file"] == str(log_folder / "qa-desktop.log")
    assert values["This laptop's id"] == workspace.device_id
    dialog.copy_button.click()
    assert QApplication.clipboard().text() == dialog.text() and f"Version: {__version__}" in dialog.text()
    dialog.close()
