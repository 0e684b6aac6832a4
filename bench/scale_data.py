"""The data every scale benchmark measures on, built through the app's own write paths.

One recipe (issue 22's): a register of N providers imported through the app
(``ws.register.import_providers`` on a CSV in Ofsted's provider-level layout, one setting each),
then, per provider, 1.25 visits (completed, over the last three years; one in fifty still in
progress) and 1.25 QA cases (duty log, over the last two years; one in four open), written through
``store.changes.Changes`` (the one write path: every field an op, as an officer's would be), in
units of work of 1,000 records. At 20,000 providers that is 25,000 visits and 25,000 cases.
One visit is started through ``ws.visits.start`` with its real checklists and half answered
through the visit editor: the visit the per-answer benchmark opens.

Built once per size into a folder that is kept (``--keep DIR`` or ``$QA_BENCH_DATA``, default
``/tmp/qa-desktop-bench``) with the random key beside it (benchmarks run without a keyring), so
each benchmark copies a ready register instead of building it again:

    .venv/bin/python bench/scale_data.py 20000     # builds (or finds) the 20k register; prints where
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from register_refresh import provider_line, write_csv
from sqlalchemy import select

from qa_desktop.domain.oversight import CaseSource, CaseStatus
from qa_desktop.domain.visits import VisitLevel, VisitReason, VisitStatus
from qa_desktop.forms.checklist import MET
from qa_desktop.forms.template import ResponseType
from qa_desktop.store.models import QaCase, Setting, Visit
from qa_desktop.workspace import Workspace

#: Changing anything above changes the data: bump this so old copies are not used.
RECIPE = 1
BATCH = 1000
TODAY = dt.date(2026, 11, 22)  # the tests' clock; every benchmark pins it too (QA_DESKTOP_CLOCK_START)
CATEGORIES = ["Missing from care", "Staffing", "Medication", "Complaint", "Physical intervention", "Premises"]
SOURCES = list(CaseSource)


@dataclass(frozen=True)
class ScaleData:
    providers: int
    data_dir: Path
    key: bytes
    visit_in_progress: str
    build_seconds: float

    def copy_to(self, target: Path) -> ScaleData:
        """A working copy (a benchmark that writes must not change the kept register)."""
        shutil.copytree(self.data_dir, target)
        return ScaleData(self.providers, target, self.key, self.visit_in_progress, self.build_seconds)

    def open(self, **options: object) -> Workspace:
        return Workspace.open(self.data_dir, actor="Alex Patel", key=self.key, **options)  # type: ignore[arg-type]


def pin_clock() -> None:
    """Benchmarks see the same "today" as the data was built for."""
    os.environ.setdefault("QA_DESKTOP_CLOCK_START", "2026-11-22T10:00:00+00:00")


def kept_folder() -> Path:
    if "--keep" in sys.argv:
        return Path(sys.argv[sys.argv.index("--keep") + 1])
    return Path(os.environ.get("QA_BENCH_DATA", "/tmp/qa-desktop-bench"))


def scale_data(providers: int, root: Path | None = None) -> ScaleData:
    """The register of ``providers`` providers with its visits and cases: built once, then found."""
    pin_clock()
    root = root or kept_folder()
    folder = root / f"recipe{RECIPE}-{providers}"
    done = folder / "built.txt"
    if done.exists():
        key_hex, visit_id, seconds = done.read_text(encoding="utf-8").split()
        return ScaleData(providers, folder / "data", bytes.fromhex(key_hex), visit_id, float(seconds))
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    key = os.urandom(32)
    start = time.perf_counter()
    visit_id = _build(folder, providers, key)
    seconds = time.perf_counter() - start
    done.write_text(f"{key.hex()} {visit_id} {seconds:.1f}\n", encoding="utf-8")
    return ScaleData(providers, folder / "data", key, visit_id, seconds)


def _build(folder: Path, providers: int, key: bytes) -> str:
    workspace = Workspace.open(folder / "data", actor="Alex Patel", key=key)
    try:
        csv = write_csv(folder / "ofsted.csv", [provider_line(n) for n in range(providers)])
        workspace.register.import_providers(csv)
        store = workspace._store
        with store.read() as session:
            settings = [(s_id, p_id) for s_id, p_id in session.execute(
                select(Setting.id, Setting.provider_id).order_by(Setting.id)).all()]
        visits = providers * 5 // 4
        cases = providers * 5 // 4
        for start in range(0, visits, BATCH):
            with store.write() as changes:
                for n in range(start, min(start + BATCH, visits)):
                    setting_id, _ = settings[n % len(settings)]
                    status = VisitStatus.IN_PROGRESS if n % 50 == 0 else VisitStatus.COMPLETED
                    changes.create(Visit, setting_id=setting_id, visit_date=TODAY - dt.timedelta(days=1 + n % 1095),
                                   level=VisitLevel.FULL, announced=n % 3 != 0, reason=VisitReason.ROUTINE,
                                   status=status, officers=["Alex Patel"] if n % 3 else ["Alex Patel", "Jo Morgan"])
        for start in range(0, cases, BATCH):
            with store.write() as changes:
                for n in range(start, min(start + BATCH, cases)):
                    _, provider_id = settings[(n * 7) % len(settings)]
                    opened = TODAY - dt.timedelta(days=n % 730)
                    closed = n % 4 != 0
                    changes.create(QaCase, provider_id=provider_id, opened_on=opened, source=SOURCES[n % len(SOURCES)],
                                   category=CATEGORIES[n % len(CATEGORIES)], summary=f"Concern {n} reported",
                                   safeguarding=n % 11 == 0, significant=n % 97 == 0,
                                   status=CaseStatus.CLOSED if closed else CaseStatus.OPEN,
                                   closed_on=opened + dt.timedelta(days=7) if closed else None,
                                   outcome="Resolved with the provider" if closed else None)
        home = workspace.register.resolve(f"SC{100000 + providers // 12 * 6}")  # a children's home mid-register
        setting_id = workspace.visits.settings_to_visit(home)[0].id
        visit_id = workspace.visits.start(setting_id=setting_id, visit_date=TODAY, level=VisitLevel.FULL,
                                          reason=VisitReason.ROUTINE, announced=True, officers=["Alex Patel"]).value
        editor = workspace.visits.open(visit_id)
        for template_key, checklist in editor.checklists.items():
            items = [i for i in checklist.visible_items() if i.response is ResponseType.MET_NOT_MET]
            for item in items[: len(items) // 2]:
                editor.set_answer(template_key, item.key, MET)
        return visit_id
    finally:
        workspace.close()


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:] if a.isdigit()] or [20_000]
    for size in sizes:
        data = scale_data(size)
        print(f"{size:,} providers: {data.data_dir} (built in {data.build_seconds:.0f} s)")


if __name__ == "__main__":
    main()
