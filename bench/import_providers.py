"""Benchmark: import provider rows in Ofsted's CSV layout: speed, and peak memory.

Each import runs in a fresh child process, so its peak memory (max RSS, read with
``resource.getrusage(RUSAGE_CHILDREN)`` after the child ends) is the import's own and not the
benchmark's.

    .venv/bin/python bench/import_providers.py [ROWS]
        ROWS rows (default 10,000): a first import into an empty register, a re-import with nothing
        changed, and a re-import where one row in ten has a new judgement; rows per second, peak MB,
        and the ratios between them (ratios measured in one run, because these machines are noisy).
        Target: a first import of 10,000 rows in under 10 seconds (1,000 rows/s) on a 2-core laptop.

    .venv/bin/python bench/import_providers.py --megabytes 200
        A file of at least that many MB (a million rows and more), imported once into an empty
        register: rows per second and peak MB. Target: a 200 MB file under 300 MB peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = ("URN,Provision type,Registration status,Sector,Name,Address 1,Address 2,Town,County,Postcode,"
          "Local authority,Places,Organisation which owns the provider,Latest full inspection date,"
          "Overall experiences and progress of children and young people")
TYPES = ["Children's home", "Children's Home", "Independent fostering agency", "Residential family centre",
         "Residential special school", "Supported accommodation", "Secure children's home"]
JUDGEMENTS = ["Outstanding", "Good", "Requires improvement to be good", "Inadequate", "NULL"]
TOWNS = ["Rochester", "Chatham", "Gillingham", "Strood", "Rainham", "Maidstone", "Canterbury", "Dover"]
PREFIXES = ["SC", "EY", "XA", "XB", "XC", "XD", "XE", "XF", "XG", "XH"]  # 900,000 URNs each


def row(n: int, rng: random.Random, changed_every: int = 0) -> str:
    judgement = JUDGEMENTS[rng.randrange(len(JUDGEMENTS))]
    if changed_every and n % changed_every == 0:
        judgement = "Outstanding" if judgement != "Outstanding" else "Good"
    name = "REDACTED" if n % 3 == 0 else f"Home {n}"
    urn = f"{PREFIXES[n // 900_000]}{100_000 + n % 900_000}"
    return (f"{urn},{TYPES[n % len(TYPES)]},Active,Private,{name},{n} High Street,,"
            f"{TOWNS[n % len(TOWNS)]},Kent,ME{n % 20} {n % 9}AB,Medway,{n % 6 + 1},Owner {n % 400} Ltd,"
            f"{1 + n % 28:02d}/{1 + n % 12:02d}/20{15 + n % 10},{judgement}")


def make_csv(path: Path, rows: int | None = None, *, changed_every: int = 0, megabytes: float = 0,
             seed: int = 7) -> int:
    """Write the file a line at a time (a 200 MB file is never in memory); returns its row count."""
    rng = random.Random(seed)
    limit = megabytes * 1_000_000
    written = 0
    n = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER + "\n")
        while (rows is not None and n < rows) or (rows is None and written < limit):
            line = row(n, rng, changed_every) + "\n"
            out.write(line)
            written += len(line)
            n += 1
    return n


def child(csv_path: str, data_dir: str, key: str) -> None:
    """One import in this (fresh) process; prints seconds and the report's summary as JSON."""
    from qa_desktop.services.provider_import import import_providers
    from qa_desktop.store.database import Store

    store = Store(Path(data_dir), actor="bench", key=bytes.fromhex(key))  # benches run without a keyring
    start = time.perf_counter()
    report = import_providers(store, Path(csv_path))
    seconds = time.perf_counter() - start
    store.close()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # what the parent's RUSAGE_CHILDREN reads
    print(json.dumps({"seconds": seconds, "summary": report.summary(), "rows": report.rows, "peak_kb": peak_kb}))


def run_import(csv_path: Path, data_dir: Path, key: str) -> tuple[float, str, float]:
    """Import in a child process: seconds, summary and the child's peak memory in MB."""
    done = subprocess.run([sys.executable, __file__, "--child", str(csv_path), str(data_dir), key],
                          check=True, capture_output=True, text=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    # the child's own max RSS (KB on Linux); RUSAGE_CHILDREN here gives the largest child's, printed at the end
    return result["seconds"], result["summary"], result["peak_kb"] / 1024


def children_peak() -> float:
    """The largest peak memory (MB) of any import child so far, as the parent sees it."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def small(rows: int) -> None:
    key = os.urandom(32).hex()
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        first_csv, changed_csv = base / "ofsted.csv", base / "ofsted-changed.csv"
        make_csv(first_csv, rows)
        make_csv(changed_csv, rows, changed_every=10)
        first, first_summary, first_mb = run_import(first_csv, base / "data", key)
        same, same_summary, same_mb = run_import(first_csv, base / "data", key)
        changed, changed_summary, changed_mb = run_import(changed_csv, base / "data", key)
        size = (base / "data" / "qa-desktop.sqlite3").stat().st_size / 1e6
    print(f"first import     {rows / first:8.0f} rows/s  {first:6.2f} s  peak {first_mb:6.0f} MB  ({first_summary})")
    print(f"re-import same   {rows / same:8.0f} rows/s  {same:6.2f} s  peak {same_mb:6.0f} MB  ({same_summary})")
    print(f"re-import 10%    {rows / changed:8.0f} rows/s  {changed:6.2f} s  peak {changed_mb:6.0f} MB  "
          f"({changed_summary})")
    print(f"ratio re-import/first: {same / first:.2f}; changed/first: {changed / first:.2f}; "
          f"database {size:.1f} MB; target first import >= 1000 rows/s: {'met' if rows / first >= 1000 else 'NOT met'}")
    print(f"largest peak of the three (RUSAGE_CHILDREN): {children_peak():.0f} MB")


def large(megabytes: float) -> None:
    key = os.urandom(32).hex()
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        path = base / "ofsted-large.csv"
        rows = make_csv(path, megabytes=megabytes)
        size = path.stat().st_size / 1e6
        seconds, summary, peak = run_import(path, base / "data", key)
    print(f"{size:.0f} MB file, {rows:,} rows: {rows / seconds:8.0f} rows/s  {seconds:7.1f} s  peak {peak:6.0f} MB  "
          f"({summary})")
    print(f"peak by RUSAGE_CHILDREN {children_peak():.0f} MB; target peak < 300 MB for a 200 MB file: "
          f"{'met' if peak < 300 else 'NOT met'}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(*sys.argv[2:5])
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("rows", nargs="?", type=int, default=10_000)
    parser.add_argument("--megabytes", type=float, help="import one file of this size, for peak memory")
    args = parser.parse_args()
    if args.megabytes:
        large(args.megabytes)
    else:
        small(args.rows)


if __name__ == "__main__":
    main()
