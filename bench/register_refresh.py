"""Benchmark: the register after a change to one provider, redrawn by what changed versus whole.

Builds a register of 20,000 providers through the app's own write path (``ws.register
.import_providers`` on a generated CSV in Ofsted's provider-level layout), opens the real main
window offscreen with a provider selected, then changes one other provider at a time (a case
logged, a rename by import) and times, on the UI thread:

- before: the full reload every change used to cost (``MainWindow.reload``: what is due, the
  ratings and the sanctions worked out for the whole register, the search run again, the model
  reset);
- after: the change handled by what it touched (``hub.changed`` with the change's ``OpChanges``,
  to every screen listening: the register's rows of that provider, and the provider page, which
  is not that provider's so does nothing); and, for scale, the same when the change is to the
  provider selected, whose page is read again too.

Each figure is the median of several changes, measured in one run (these machines are noisy), with
the ratio between them. Target: the by-change path in 50 ms or less.

    .venv/bin/python bench/register_refresh.py [PROVIDERS]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from settle import due_shown

from qa_desktop.domain.oversight import CaseSource
from qa_desktop.ui.change_hub import ChangeHub
from qa_desktop.ui.main_window import MainWindow
from qa_desktop.workspace import OpChanges, Workspace

HEADER = ("URN,Provision type,Registration status,Sector,Name,Address 1,Address 2,Town,County,Postcode,"
          "Local authority,Places,Organisation which owns the provider,Latest full inspection date,"
          "Overall experiences and progress of children and young people")
TYPES = ["Children's home", "Independent fostering agency", "Residential family centre", "Residential special school",
         "Supported accommodation", "Secure children's home"]
JUDGEMENTS = ["Outstanding", "Good", "Requires improvement to be good", "Inadequate"]
TOWNS = ["Rochester", "Chatham", "Gillingham", "Strood", "Rainham", "Maidstone", "Canterbury", "Dover"]
REPEATS = 7
TARGET_MS = 50.0


def provider_line(n: int, name: str | None = None) -> str:
    return (f"SC{100000 + n},{TYPES[n % len(TYPES)]},Active,Private,{name or f'Home {n:05d}'},{n} High Street,,"
            f"{TOWNS[n % len(TOWNS)]},Kent,ME{n % 20} {n % 9}AB,Medway,{n % 6 + 1},Owner {n % 400} Ltd,"
            f"{1 + n % 28:02d}/{1 + n % 12:02d}/20{15 + n % 10},{JUDGEMENTS[n % len(JUDGEMENTS)]}")


def write_csv(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def timed_ms(app: QApplication, work: Callable[[], object]) -> float:
    """UI-thread time of ``work`` and of the events it posted (repaints, the proxy's re-sort)."""
    start = time.perf_counter()
    work()
    app.processEvents()
    return (time.perf_counter() - start) * 1000


class Changes:
    """One change to one provider at a time, made through the workspace: a case logged, or a
    rename by importing a one-row CSV (as a corrected Ofsted row would arrive)."""

    def __init__(self, workspace: Workspace, folder: Path) -> None:
        self.workspace = workspace
        self.folder = folder
        self.made = 0

    def to(self, n: int) -> OpChanges:
        self.made += 1
        provider_id = self.workspace.register.resolve(f"SC{100000 + n}")
        if self.made % 2:
            return self.workspace.oversight.log_case(provider_id, source=CaseSource.POLICE, category="Missing",
                                                     summary=f"Missing overnight ({self.made})").changes
        renamed = write_csv(self.folder / "rename.csv", [provider_line(n, f"Home {n:05d} renamed {self.made}")])
        return self.workspace.register.import_providers(renamed).changes


def main() -> None:
    providers = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        workspace = Workspace.open(base / "data", actor="bench", key=os.urandom(32))  # benches run without a keyring
        start = time.perf_counter()
        register = write_csv(base / "ofsted.csv", [provider_line(n) for n in range(providers)])
        workspace.register.import_providers(register)
        imported = time.perf_counter() - start
        hub = ChangeHub(workspace, poll_ms=0)
        window = MainWindow(workspace, hub, QSettings(str(base / "window.ini"), QSettings.Format.IniFormat))
        window.show()
        due_shown(app, window)
        window.table.selectRow(0)
        app.processEvents()
        selected = next(row for row in window.model.rows if row.id == window.selected_provider_id())
        selected_number = int((selected.urn or "")[2:]) - 100000
        hub.close()  # from here the bench hands each change to the window itself, to time its handling alone
        changes = Changes(workspace, base)

        by_change, full, with_page = [], [], []
        for repeat in range(REPEATS):
            change = changes.to(providers // 2 + repeat)  # a provider that is not the selected one
            by_change.append(timed_ms(app, partial(hub.changed.emit, change)))
            full.append(timed_ms(app, lambda: (window.reload(), due_shown(app, window))))  # what is due too
            change = changes.to(selected_number)
            with_page.append(timed_ms(app, partial(hub.changed.emit, change)))
        shown = window.model.rows
        assert len(shown) == providers and any("renamed" in row.name for row in shown)  # the changes are on screen
        window.close()
        workspace.close()

    before, after, page = statistics.median(full), statistics.median(by_change), statistics.median(with_page)
    print(f"register of {providers:,} providers (imported in {imported:.1f} s); median of {REPEATS} changes")
    print(f"before: full reload             {before:8.1f} ms")
    print(f"after:  by change (one row)     {after:8.1f} ms   target <= {TARGET_MS:.0f} ms: "
          f"{'met' if after <= TARGET_MS else 'NOT met'}")
    print(f"        by change, the selected provider (its row and its page read again) {page:8.1f} ms")
    print(f"ratio full/by-change: {before / after:.0f}x")


if __name__ == "__main__":
    main()
