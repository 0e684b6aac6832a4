"""Crash safety with a real SIGKILL: an edit reported as saved survives, the database stays intact,
and a report being written leaves no half-written PDF under its final name."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from pypdf import PdfReader
from sqlalchemy import text

from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.reports.pages import STALE_AFTER_S
from qa_desktop.services.visits import open_visit
from qa_desktop.store.database import Store
from tests.sync.conftest import make_visit

EDITOR = """
import sys
from pathlib import Path
from qa_desktop.services.visits import open_visit
from qa_desktop.store.database import Store
store = Store(Path(sys.argv[1]), actor="alex", key=bytes.fromhex(sys.argv[2]))
visit = open_visit(store, sys.argv[3])
template, items = sys.argv[4], sys.argv[5].split(",")
for n in range(100000):
    item = items[n % len(items)]
    visit.set_note(template, item, f"edit {n}")          # committed (synchronous=FULL) before it returns
    print(item, n, flush=True)                           # only then reported as saved
"""


def test_every_edit_reported_as_saved_survives_a_sigkill(store, tmp_path):
    visit_id = make_visit(store, TemplateLibrary.load())
    template, checklist = next(iter(open_visit(store, visit_id).checklists.items()))
    items = [item.key for item in checklist.visible_items()[:6]]
    child = subprocess.Popen([sys.executable, "-c", EDITOR, str(store.data_dir), store.key.hex(), visit_id, template,
                              ",".join(items)], stdout=subprocess.PIPE, text=True)
    reported: dict[str, int] = {}
    for line in child.stdout:
        item, number = line.split()
        reported[item] = int(number)
        if int(number) >= 120:
            break
    os.kill(child.pid, signal.SIGKILL)  # in the middle of the burst: the next edit is under way
    child.wait()
    assert child.returncode == -signal.SIGKILL

    reopened = Store(store.data_dir, actor="alex", key=store.key)
    with reopened.engine.connect() as connection:
        assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    saved = open_visit(reopened, visit_id).checklists[template]
    for item, number in reported.items():
        stored = int(saved.record(item).note.split()[1])
        assert stored >= number, (item, stored, number)  # never older than what was reported saved
    reopened.close()


WRITER = """
import sys
from pathlib import Path
from qa_desktop.services.reports import write_visit_report
from qa_desktop.store.database import Store
store = Store(Path(sys.argv[1]), actor="alex", key=bytes.fromhex(sys.argv[2]))
print("writing", flush=True)
for n in range(1000):
    write_visit_report(store, sys.argv[3], Path(sys.argv[4]))
"""


def test_a_report_killed_while_being_written_leaves_no_half_pdf(store, tmp_path):
    visit_id = make_visit(store, TemplateLibrary.load())
    target = tmp_path / "out" / "report.pdf"
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(store.data_dir), store.key.hex(), visit_id,
                              str(target)], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "writing"
    time.sleep(2.5)  # several reports in: a kill now almost always lands mid-write
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    if target.exists():  # an earlier, complete report: whole and readable
        reader = PdfReader(str(target))
        assert len(reader.pages) >= 3 and "OFFICIAL-SENSITIVE" in reader.pages[0].extract_text()
    leftovers = list(target.parent.glob(".writing-*.pdf"))
    for leftover in leftovers:  # the half-written one keeps its temporary name; old ones are cleared later
        old = leftover.stat().st_mtime - STALE_AFTER_S - 60  # on the file system's clock
        os.utime(leftover, (old, old))
    from qa_desktop.services.reports import write_visit_report
    write_visit_report(store, visit_id, target)
    assert PdfReader(str(target)).pages and list(target.parent.glob(".writing-*.pdf")) == []
