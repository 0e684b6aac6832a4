"""Benchmark: a Property Only visit with 40 camera-size photos (4000x3000 JPEG), then its report.

Prints the time to attach the 40 photos (each is made upright and shrunk to 2048 px as it is
attached), and the time and peak memory to build the report and then its Word copy, each in a fresh
process (peak: that process's own resident high-water mark, VmHWM), against the targets of the
reports issue: the PDF under 2 seconds and 300 MB, the Word copy under 3 seconds. Ratios are
printed from the one run, because these machines are noisy.

    .venv/bin/python bench/report_40_photos.py
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw

from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.visits import VisitLevel, VisitReason
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.services.register import add_provider, add_setting
from qa_desktop.services.visits import open_visit, start_visit
from qa_desktop.store.database import Store

PHOTOS = 40
TARGET_SECONDS = 2.0
TARGET_MB = 300

CHILD = """
import json, sys, time
from pathlib import Path
from qa_desktop.store.database import Store
from qa_desktop.services.reports import write_visit_report
store = Store(Path(sys.argv[1]), actor="bench", key=bytes.fromhex(sys.argv[3]))
mode = sys.argv[4]
if mode == "word":  # the same visit's revision as Word (the PDF was made by the run before)
    from qa_desktop.services import documents
    from qa_desktop.services.reports import visit_source
    revision = documents.documents_of_visit(store, sys.argv[2])[-1].id
    start, cpu = time.perf_counter(), time.process_time()
    result = documents.word(store, revision, visit_source(store, sys.argv[2]))
else:
    start, cpu = time.perf_counter(), time.process_time()
    result = write_visit_report(store, sys.argv[2])
seconds = time.perf_counter() - start
cpu_seconds = time.process_time() - cpu
# VmHWM: this process's own peak. ru_maxrss would not do: Linux carries the parent's peak across
# fork and exec, so it reported the photo-making parent's memory (issue 22).
peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds, "max_rss_mb": peak_kb / 1024,
                  "pages": result.pages, "photos": result.photos, "bytes": result.path.stat().st_size}))
"""

#: The Word copy of the same visit (issue 18).
TARGET_WORD_SECONDS = 3.0


def camera_photo(path: Path, seed: int) -> None:
    """A 4000x3000 JPEG with detail (noise and shapes) so it compresses like a real photo."""
    rng = random.Random(seed)
    image = Image.effect_noise((4000, 3000), 60).convert("RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y = rng.randrange(4000), rng.randrange(3000)
        draw.rectangle((x, y, x + rng.randrange(200, 1200), y + rng.randrange(200, 900)),
                       fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    image.save(path, quality=90)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        print(f"making {PHOTOS} photos of 4000x3000 ...", flush=True)
        sources = []
        for n in range(4):  # 4 distinct pictures, re-saved with a marker so all 40 hashes differ
            camera_photo(base / f"src{n}.jpg", n)
        for n in range(PHOTOS):
            with Image.open(base / f"src{n % 4}.jpg") as image:
                ImageDraw.Draw(image).text((10, 10), f"photo {n}", fill=(255, 255, 255))
                image.save(base / f"IMG_{n:04d}.jpg", quality=90)
            sources.append(base / f"IMG_{n:04d}.jpg")
        size_mb = sum(p.stat().st_size for p in sources) / 1e6

        key = os.urandom(32)  # benches run without a keyring: the folder's key is handed over
        store = Store(base / "data", actor="bench", key=key)
        with store.write() as changes:
            provider = add_provider(changes, name="Bench House", service_type=ServiceType.RESIDENTIAL)
            setting_id = add_setting(changes, provider, name="Bench House").id
        visit = open_visit(store, start_visit(store, TemplateLibrary.load(), setting_id=setting_id,
                                              visit_date=store.clock.today(), level=VisitLevel.PROPERTY_ONLY,
                                              announced=True, officers=["Bench"], reason=VisitReason.ROUTINE))
        items = [i.key for i in visit.checklists["property_standards"].template.items if i.response.value == "photo"]
        start = time.perf_counter()
        for n, source in enumerate(sources):
            visit.attach_photo("property_standards", items[n % len(items)], source, f"Photo {n + 1}")
        attach = time.perf_counter() - start
        stored_mb = sum(p.stat().st_size for p in (base / "data" / "blobs").rglob("*") if p.is_file()) / 1e6
        store.close()

        def child(mode: str) -> dict:
            run = subprocess.run([sys.executable, "-c", CHILD, str(base / "data"), visit.visit_id, key.hex(), mode],
                                 capture_output=True, text=True, check=True)
            return json.loads(run.stdout)
        load = os.getloadavg()[0]
        report = child("pdf")
        word = child("word")
    print(f"attach {PHOTOS} photos ({size_mb:.0f} MB from camera -> {stored_mb:.1f} MB stored): "
          f"{attach:.2f} s, {attach / PHOTOS * 1000:.0f} ms per photo")
    print(f"load average before: {load:.1f} on {os.cpu_count()} cores (CPU seconds are the fairer figure on a busy "
          "machine)")
    print(f"report: {report['seconds']:.2f} s ({report['cpu_seconds']:.2f} s of CPU), "
          f"peak {report['max_rss_mb']:.0f} MB, {report['pages']} pages, "
          f"{report['photos']} photos, {report['bytes'] / 1e6:.1f} MB PDF")
    print(f"ratio to target: time {report['seconds'] / TARGET_SECONDS:.2f} of {TARGET_SECONDS:.0f} s, "
          f"memory {report['max_rss_mb'] / TARGET_MB:.2f} of {TARGET_MB} MB")
    print(f"word: {word['seconds']:.2f} s ({word['cpu_seconds']:.2f} s of CPU), "
          f"peak {word['max_rss_mb']:.0f} MB, {word['photos']} photos, "
          f"{word['bytes'] / 1e6:.1f} MB .docx; ratio to target {word['seconds'] / TARGET_WORD_SECONDS:.2f} "
          f"of {TARGET_WORD_SECONDS:.0f} s")


if __name__ == "__main__":
    main()
