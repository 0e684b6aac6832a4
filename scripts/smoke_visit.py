"""A whole visit through an installed QA Desktop, as the window would make it: for ``scripts/smoke-wheel``.

Run by the Python of a fresh venv that has only the wheel installed (never the checkout), so it
proves the package carries what a visit needs: the templates, the migrations, the photo store.
Starts a Property Only visit at a demo setting, answers every item (one not met, with a note in
Arabic and an action), attaches a photo, completes it, and prints the visit's id for the report
that ``qa-desktop report`` makes next.

    python scripts/smoke_visit.py DATA_DIR WORK_DIR
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from PIL import Image

import qa_desktop
from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.domain.visits import VisitLevel, VisitReason
from qa_desktop.forms.checklist import MET, NO, NOT_MET, DocumentSeen
from qa_desktop.forms.template import ResponseType
from qa_desktop.workspace import Workspace

ARABIC_NOTE = "الكاشف غير موجود بالقرب من الغرفة 12"  # "no detector near room 12", in Arabic


def answer(item_response: ResponseType, choices: tuple[str, ...], scale: tuple[int, int] | None,
           day: dt.date) -> object:
    return {
        ResponseType.MET_NOT_MET: MET, ResponseType.YES_NO: NO, ResponseType.TEXT: "Seen with the manager.",
        ResponseType.NUMBER: 3, ResponseType.DATE: day, ResponseType.FACES: 4,
        ResponseType.RATING: (scale or (1, 5))[1], ResponseType.CHOICE: choices[0] if choices else None,
        ResponseType.MULTI_CHOICE: [choices[0]] if choices else None,
        ResponseType.DOCUMENT: DocumentSeen(True, day - dt.timedelta(days=30), day + dt.timedelta(days=300)),
    }.get(item_response)


def main(data_dir: Path, work: Path) -> int:
    package = Path(qa_desktop.__file__).resolve()
    if "site-packages" not in package.parts:
        print(f"qa_desktop was imported from {package}, not from the installed wheel", file=sys.stderr)
        return 1
    workspace = Workspace.open(data_dir)
    try:
        setting = next(s for s in workspace.visits.settings_to_visit() if s.label.startswith("Maple Lodge"))
        today = workspace.clock.today()
        visit_id = workspace.visits.start(setting_id=setting.id, visit_date=today, level=VisitLevel.PROPERTY_ONLY,
                                          reason=VisitReason.ROUTINE, announced=True,
                                          officers=["Officer One"]).value
        editor = workspace.visits.open(visit_id, screen=False)
        photo = work / "smoke-photo.jpg"
        Image.new("RGB", (640, 480), (40, 120, 200)).save(photo, quality=85)
        flagged = None
        for template_key, checklist in editor.checklists.items():
            for _ in range(3):  # an answer may reveal more items
                for item in checklist.visible_items():
                    if checklist.answer(item.key) is not None or item.response is ResponseType.PHOTO:
                        continue
                    value = answer(item.response, item.choices, item.scale, today)
                    if value is None:
                        continue
                    if flagged is None and item.response is ResponseType.MET_NOT_MET:
                        flagged, value = (template_key, item.key), NOT_MET
                    editor.set_answer(template_key, item.key, value)
        if flagged is None:
            print("no met/not met item to flag in the Property Only templates", file=sys.stderr)
            return 1
        editor.set_note(*flagged, ARABIC_NOTE)
        editor.attach_photo(*flagged, photo, "The hallway ceiling")
        editor.raise_action(*flagged, "Fit a detector near room 12", ConcernLevel.HIGH)
        problems = editor.problems_before_completion()
        if problems:
            print("the visit cannot be completed: " + "; ".join(problems), file=sys.stderr)
            return 1
        editor.complete()
        print(visit_id)
        return 0
    finally:
        workspace.close()


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]), Path(sys.argv[2])))
