"""Benchmark: how each figure grows with the register, 5,000 -> 10,000 -> 20,000 providers.

Builds (once, kept: ``scale_data``) the register of each size with 1.25 visits and 1.25 QA cases per
provider through the app's own write paths (at 20,000: 25,000 visits and 25,000 cases), then measures
on a working copy of each, in this one run:

- cold start to a shown main window (fresh process; CPU time and peak memory) and its floor, a bare
  QTableView over the same rows (``cold_start``);
- one answer on the visit screen as felt, p50 and p99 (``visit_answer``);
- the provider page per Down key in the register, median (``screens_open``);
- the Oversight window opening (``screens_open``).

For each figure it prints the value at each size and the ratio per doubling (1.0: flat, what a figure
that costs what is shown should do; 2.0: linear in the register). CPU time throughout (this machine
is shared and loaded: wall times are several times the work, and are printed by the single benches).

    .venv/bin/python bench/scale.py [SIZES...]      # default 5000 10000 20000
"""

from __future__ import annotations

import itertools
import os
import statistics
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import cold_start
import screens_open
import visit_answer
from PySide6.QtWidgets import QApplication
from scale_data import pin_clock, scale_data


def measure(app: QApplication, providers: int) -> dict[str, float]:
    data = scale_data(providers)
    found: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        copy = data.copy_to(base / "start")
        starts = cold_start.measure(copy.data_dir, copy.key, runs=1)
        found["cold start, CPU s"] = starts["app"]["cpu"]
        found["cold start, floor CPU s"] = starts["floor"]["cpu"]
        found["cold start, peak MB"] = starts["app"]["rss_mb"]
        found["cold start, floor peak MB"] = starts["floor"]["rss_mb"]

        copy = data.copy_to(base / "answers")
        workspace = copy.open()
        answers = visit_answer.answer_items(app, workspace, copy.visit_in_progress, base)
        workspace.close()
        found["answer as felt p50, CPU ms"] = statistics.median(answers["felt_cpu"])
        found["answer as felt p99, CPU ms"] = visit_answer.percentile(answers["felt_cpu"], 0.99)

        copy = data.copy_to(base / "screens")
        workspace = copy.open()
        window = screens_open.main_window(workspace, base)
        app.processEvents()
        _, page_cpu = screens_open.page_keys(app, window)
        board = screens_open.oversight(app, workspace, window)
        window.close()
        workspace.close()
        found["provider page per key, CPU ms"] = statistics.median(page_cpu)
        found["Oversight opens, CPU ms"] = board["window_cpu"]
    return found


def main() -> None:
    pin_clock()
    sizes = [int(a) for a in sys.argv[1:] if a.isdigit()] or [5_000, 10_000, 20_000]
    visit_answer.ANSWERS = 15
    screens_open.KEYS = 15
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    results = {size: measure(app, size) for size in sizes}
    names = list(results[sizes[0]])
    print(f"growth with the register (CPU time; load average {os.getloadavg()[0]:.1f})")
    print(f"{'figure':34}" + "".join(f"{size:>12,}" for size in sizes) + "   ratio per doubling")
    for name in names:
        values = [results[size][name] for size in sizes]
        ratios = [later / earlier if earlier else float("nan") for earlier, later in itertools.pairwise(values)]
        print(f"{name:34}" + "".join(f"{value:12.2f}" for value in values) + "   " +
              ", ".join(f"{ratio:.2f}" for ratio in ratios))


if __name__ == "__main__":
    main()
