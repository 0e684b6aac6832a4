"""Benchmark: sync 10,000 changed answers from one laptop to another, through the shared folder and
through PostgreSQL, and a sync with nothing to do.

Laptop A holds 100 visits of 100 answered items each; both laptops are in sync. Everything sent is
sealed (the team key; each visit's answers under the visit's record key) and every change checked
against its laptop's audit chain, as in use. A then changes
all 10,000 answers (a week of a team's work). We time A's sync (push) and B's sync (pull and
apply), then a second sync on each with nothing to do. Targets on a 2-core laptop: each direction
of 10,000 answers in under 10 s, and a sync with nothing to do in under 0.5 s; the ratios to the
targets are printed (measured in one run: these machines are noisy).

PostgreSQL is Debian's server started on a temporary directory (as ``tests/postgres_server.py``
does for the tests); skip it with ``--folder-only``. ``--answers 100000`` runs the same with
100,000 answers (1,000 visits). The peak memory of the process (max RSS) is printed at the end.

    .venv/bin/python bench/sync_10k_answers.py [--folder-only] [--answers N]
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.visits import VisitLevel, VisitReason, VisitStatus
from qa_desktop.services.register import add_provider, add_setting
from qa_desktop.store.changes import derived_id
from qa_desktop.store.database import Store
from qa_desktop.store.models import Answer, Visit
from qa_desktop.sync.engine import sync
from qa_desktop.sync.folder import FolderStore
from qa_desktop.sync.team import MemoryTeamKeyring

#: Both laptops of the bench are of one team: the shared store's team key, held in memory (no keyring).
TEAM = MemoryTeamKeyring()

ITEMS = 100
VISITS = int(sys.argv[sys.argv.index("--answers") + 1]) // ITEMS if "--answers" in sys.argv else 100
TARGET_DIRECTION_S, TARGET_IDLE_S = 10.0, 0.5


def populate(store: Store) -> list[str]:
    ids = []
    with store.write() as changes:
        provider = add_provider(changes, name="Bench House", service_type=ServiceType.RESIDENTIAL, urn="SC999999")
        setting = add_setting(changes, provider, name="Bench House", postcode="ME1 1AA")
        for number in range(VISITS):
            visit = changes.create(Visit, setting_id=setting.id, visit_date=dt.date(2026, 1, 1) + dt.timedelta(number),
                                   level=VisitLevel.FULL, announced=True, reason=VisitReason.ROUTINE,
                                   status=VisitStatus.IN_PROGRESS, officers=["Alex Patel"])
            changes.session.flush()  # the visit row before its answers (no ORM relationship orders them)
            for item in range(ITEMS):
                answer_id = derived_id("answer", visit.id, "bench", f"item_{item}")
                changes.create(Answer, id=answer_id, visit_id=visit.id, template_key="bench", item_key=f"item_{item}",
                               value="met", note=None, evidence=[])
                ids.append(answer_id)
    return ids


def change_all(store: Store, ids: list[str]) -> None:
    with store.write() as changes:
        for answer_id in ids:
            changes.update(changes.session.get(Answer, answer_id), value="not_met")


def timed(action) -> tuple[float, object]:  # noqa: ANN001
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def run(name: str, make_shared, root: Path) -> None:  # noqa: ANN001
    a, b = (Store(root / f"{name}-a", actor="alex", key=os.urandom(32)),  # benches run without a keyring
            Store(root / f"{name}-b", actor="jo", key=os.urandom(32)))
    ids = populate(a)
    shared_a, shared_b = make_shared(), make_shared()
    sync(a, shared_a), sync(b, shared_b)
    change_all(a, ids)
    push_s, pushed = timed(lambda: sync(a, shared_a))
    pull_s, pulled = timed(lambda: sync(b, shared_b))
    idle_b, _ = timed(lambda: sync(b, shared_b))
    idle_a, _ = timed(lambda: sync(a, shared_a))
    with b.read() as session:
        changed = sum(1 for i in ids if session.get(Answer, i).value == "not_met")
    assert changed == len(ids), f"only {changed} of {len(ids)} answers arrived"
    print(f"{name:10}  push {pushed.pushed:,} ops {push_s:6.2f} s ({push_s / TARGET_DIRECTION_S:.2f} of target)  "
          f"pull {pulled.pulled:,} ops {pull_s:6.2f} s ({pull_s / TARGET_DIRECTION_S:.2f} of target)  "
          f"idle sync {idle_b:.3f} s / {idle_a:.3f} s ({max(idle_a, idle_b) / TARGET_IDLE_S:.2f} of target)  "
          f"pull/push {pull_s / push_s:.2f}")
    for shared in (shared_a, shared_b):
        shared.close()
    a.close(), b.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        print(f"{VISITS * ITEMS:,} changed answers, one laptop to another")
        run("folder", lambda: FolderStore(root / "shared", TEAM), root)
        if "--folder-only" not in sys.argv:
            run_postgres(root)
    import resource
    print(f"peak memory (max RSS of this process): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def run_postgres(root: Path) -> None:
    from qa_desktop.sync.postgres import PostgresStore
    from tests.postgres_server import create_database, running_postgres
    with running_postgres() as server:
        url = create_database(server, "bench")
        run("postgresql", lambda: PostgresStore(url, server["password"], keyring=TEAM), root)


if __name__ == "__main__":
    main()
