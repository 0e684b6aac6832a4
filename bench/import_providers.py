"""Benchmark: import 10,000 provider rows in Ofsted's CSV layout, then re-import them.

Prints rows per second for a first import into an empty register, a re-import with nothing
changed, and a re-import where one row in ten has a new judgement, plus the ratios between them
(ratios measured in one run, because these machines are noisy). Target: a first import of 10,000
rows in under 10 seconds (1,000 rows/s) on a 2-core laptop.

    .venv/bin/python bench/import_providers.py [ROWS]
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from pathlib import Path

from qa_desktop.services.provider_import import import_providers
from qa_desktop.store.database import Store

HEADER = ("URN,Provision type,Registration status,Sector,Name,Address 1,Address 2,Town,County,Postcode,"
          "Local authority,Places,Organisation which owns the provider,Latest full inspection date,"
          "Overall experiences and progress of children and young people")
TYPES = ["Children's home", "Children's Home", "Independent fostering agency", "Residential family centre",
         "Residential special school", "Supported accommodation", "Secure children's home"]
JUDGEMENTS = ["Outstanding", "Good", "Requires improvement to be good", "Inadequate", "NULL"]
TOWNS = ["Rochester", "Chatham", "Gillingham", "Strood", "Rainham", "Maidstone", "Canterbury", "Dover"]


def make_csv(path: Path, rows: int, changed_every: int = 0, seed: int = 7) -> None:
    rng = random.Random(seed)
    lines = [HEADER]
    for n in range(rows):
        judgement = JUDGEMENTS[rng.randrange(len(JUDGEMENTS))]
        if changed_every and n % changed_every == 0:
            judgement = "Outstanding" if judgement != "Outstanding" else "Good"
        name = "REDACTED" if n % 3 == 0 else f"Home {n}"
        lines.append(f"SC{100000 + n},{TYPES[n % len(TYPES)]},Active,Private,{name},{n} High Street,,"
                     f"{TOWNS[n % len(TOWNS)]},Kent,ME{n % 20} {n % 9}AB,Medway,{n % 6 + 1},Owner {n % 400} Ltd,"
                     f"{1 + n % 28:02d}/{1 + n % 12:02d}/20{15 + n % 10},{judgement}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def timed(store: Store, path: Path) -> tuple[float, str]:
    start = time.perf_counter()
    report = import_providers(store, path)
    return time.perf_counter() - start, report.summary()


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        first_csv, changed_csv = base / "ofsted.csv", base / "ofsted-changed.csv"
        make_csv(first_csv, rows)
        make_csv(changed_csv, rows, changed_every=10)
        store = Store(base / "data", actor="bench", key=os.urandom(32))  # benches run without a keyring
        first, first_summary = timed(store, first_csv)
        same, same_summary = timed(store, first_csv)
        changed, changed_summary = timed(store, changed_csv)
        size = (base / "data" / "qa-desktop.sqlite3").stat().st_size / 1e6
    print(f"first import     {rows / first:8.0f} rows/s  {first:6.2f} s  ({first_summary})")
    print(f"re-import same   {rows / same:8.0f} rows/s  {same:6.2f} s  ({same_summary})")
    print(f"re-import 10%    {rows / changed:8.0f} rows/s  {changed:6.2f} s  ({changed_summary})")
    print(f"ratio re-import/first: {same / first:.2f}; changed/first: {changed / first:.2f}; "
          f"database {size:.1f} MB; target first import >= 1000 rows/s: {'met' if rows / first >= 1000 else 'NOT met'}")


if __name__ == "__main__":
    main()
