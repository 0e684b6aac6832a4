"""The visit screen's top row driven as officers would: the report (made in the background, then
opened, or saved anywhere), sharing the visit with the second officer's laptop and bringing their
answers back with one conflict resolved, and the Young Inspector's own screen and its acceptance."""

from __future__ import annotations

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMenu, QMenuBar, QPushButton

from qa_desktop.forms.checklist import MET, NOT_MET, YES
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.services.visits import open_visit
from qa_desktop.store.database import Store
from qa_desktop.sync.conflicts import list_conflicts
from qa_desktop.ui.change_hub import ChangeHub
from qa_desktop.ui.main_window import MainWindow
from qa_desktop.ui.visit_window import VisitWindow
from qa_desktop.ui.young_inspector_window import FaceButton
from qa_desktop.workspace import Workspace
from tests.sync.conftest import make_visit


@pytest.fixture
def opened(monkeypatch):
    """Files the window would open in the system's PDF viewer."""
    paths = []
    monkeypatch.setattr(VisitWindow, "open_file", staticmethod(paths.append))
    return paths


def visit_window(qtbot, store, visit_id, hub=None):
    """The visit screen over ``store`` (a workspace and hub of its own unless ``hub`` is given)."""
    hub = hub or ChangeHub(Workspace(store), poll_ms=0)
    window = VisitWindow(hub.workspace, hub, visit_id)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_report_button_makes_the_report_in_the_background_opens_it_and_saves_a_copy(
        qtbot, store, tmp_path, messages, opened):
    visit_id = make_visit(store, TemplateLibrary.load())
    window = visit_window(qtbot, store, visit_id)
    steps = []
    with qtbot.waitSignal(window.report_ready, timeout=30000) as made:
        task = window.make_report()
        task._worker.progress.connect(lambda message, done, total: steps.append(message))
    result = made.args[0]
    assert result.path.parent == store.data_dir / "reports" / visit_id and result.path.name.endswith(".pdf.sealed")
    assert "-r1-draft-" in result.path.name  # the visit is in progress: a draft
    assert b"%PDF" not in result.path.read_bytes()  # kept encrypted
    (viewed,) = opened  # a temporary plain copy for the viewer, in the data folder's viewing folder
    assert viewed.parent.parent == store.data_dir / "viewing" and "-r1-draft-" in viewed.name
    assert viewed.name.endswith(".pdf")
    assert "Laying out page" in steps
    assert "Quality Assurance Visit Report" in PdfReader(str(viewed)).pages[0].extract_text()
    assert f"Report {viewed.name}: {result.pages} pages" == window.state.text()

    target = tmp_path / "elsewhere" / "Harbour View report"
    (tmp_path / "elsewhere").mkdir()
    with qtbot.waitSignal(window.report_ready, timeout=30000):
        window.save_report_as(str(target))
    copy = tmp_path / "elsewhere" / "Harbour View report.pdf"
    assert copy.read_bytes() == viewed.read_bytes()  # the same revision, not a second one
    assert opened[-1] == copy and "unchanged since the last revision" in window.state.text()
    assert not messages
    store.close()  # viewing copies go when QA Desktop closes; the copy saved aside stays
    assert not viewed.exists() and list((store.data_dir / "viewing").iterdir()) == [] and copy.exists()


def test_two_officers_share_a_visit_by_file_and_settle_their_one_disagreement(qtbot, tmp_path, messages):
    library = TemplateLibrary.load()
    alex, jo = Store(tmp_path / "alex", actor="alex"), Store(tmp_path / "jo", actor="jo")
    visit_id = make_visit(alex, library)
    alex_hub, jo_hub = ChangeHub(Workspace(alex), poll_ms=0), ChangeHub(Workspace(jo), poll_ms=0)
    alex_window = visit_window(qtbot, alex, visit_id, alex_hub)
    alex_window.share_visit(str(tmp_path / "for-jo.qabundle"))
    assert messages[-1][1] == "Visit ready to share"

    jo_main = MainWindow(jo_hub.workspace, jo_hub, QSettings(str(tmp_path / "jo.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(jo_main)
    assert alex_window.last_share_code in messages[-1][2]  # the code to tell Jo is shown
    with qtbot.waitSignal(jo_main.import_bundle(str(tmp_path / "for-jo.qabundle"),
                                                code=alex_window.last_share_code).finished, timeout=30000):
        pass
    assert messages[-1][1] == "Bundle imported"
    jo_window = visit_window(qtbot, jo, visit_id, jo_hub)
    assert jo_window.windowTitle() == alex_window.windowTitle()

    # each officer does their own part of the house; both look at the same item and disagree
    alex_part, jo_part, shared_item = (alex_window.items[1], jo_window.items[2], alex_window.items[3])
    for _window, widget, key in ((alex_window, alex_part, Qt.Key.Key_1), (jo_window, jo_part, Qt.Key.Key_1),
                                 (alex_window, shared_item, Qt.Key.Key_1),
                                 (jo_window, jo_window.items[3], Qt.Key.Key_2)):
        widget.setFocus()
        qtbot.keyClick(widget, key)
    jo_window.share_visit(str(tmp_path / "for-alex.qabundle"))

    alex_main = MainWindow(alex_hub.workspace, alex_hub,
                           QSettings(str(tmp_path / "alex.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(alex_main)
    with qtbot.waitSignal(alex_main.import_bundle(str(tmp_path / "for-alex.qabundle"),
                                                  code=jo_window.last_share_code).finished, timeout=30000):
        pass
    template = alex_window.sections.rows[0][0]
    merged = open_visit(alex, visit_id).checklists[template]
    assert merged.answer(alex_part.item.key) == MET and merged.answer(jo_part.item.key) == MET
    assert len(list_conflicts(alex)) == 1
    dialog = alex_main.show_conflicts()
    qtbot.waitExposed(dialog)
    cards = [dialog.cards.itemAt(i).widget() for i in range(dialog.cards.count())][1:]
    chosen = next(c for c in cards if "Not met" in [label.text() for label in c.findChildren(type(dialog.empty))])
    chosen.keep.setFocus()
    qtbot.keyClick(chosen.keep, Qt.Key.Key_Space)  # Jo saw the damage: keep "Not met"
    assert list_conflicts(alex) == []
    assert open_visit(alex, visit_id).checklists[template].answer(shared_item.item.key) == NOT_MET
    for laptop in (alex, jo):
        laptop.close()


def test_young_inspector_fills_in_their_form_by_keyboard_and_the_officer_accepts_it(qtbot, store, messages):
    visit_id = make_visit(store, TemplateLibrary.load())
    window = visit_window(qtbot, store, visit_id)
    window._young_inspector_menu_state()
    assert window.add_form_action.isEnabled() and not window.hand_over_action.isEnabled()
    window.add_form_action.trigger()
    window._young_inspector_menu_state()
    assert not window.add_form_action.isEnabled() and window.hand_over_action.isEnabled()
    assert all(window.visit.checklists[key].template.audience.value == "officer" for key, _ in window.sections.rows)

    window.workspace.hand_over.set_unlock("482916")
    sam = window.workspace.hand_over.add_young_inspector("Sam").value
    kiosk = window.start_hand_over(sam)
    qtbot.addWidget(kiosk)
    qtbot.waitExposed(kiosk)
    young = kiosk.form
    assert young.where.text() == "Page 1 of 8" and young.font().pointSizeF() > window.font().pointSizeF()
    # nothing on this screen leads anywhere but their own form (and the officer's unlock)
    assert {b.text() for b in young.findChildren(QPushButton) if b.objectName() != "link"} <= {
        "◀  Back", "Next  ▶", "Yes", "No", "I have finished", "Read aloud", "Read this page aloud",
        "Reading settings", "I need a break"}
    assert all(link.text().endswith(")") and "(page " in link.text()  # links go only to their own questions
               for link in young.findChildren(QPushButton) if link.objectName() == "link")
    assert not kiosk.findChildren(QMenuBar) and not kiosk.findChildren(QMenu)
    welcome, outside, words = young.questions[0]
    qtbot.waitUntil(welcome.hasFocus)
    qtbot.keyClick(welcome, Qt.Key.Key_4)                       # a face by number
    outside.setFocus()
    qtbot.keyClick(outside, Qt.Key.Key_5)
    assert [b.isChecked() for b in outside.buttons if isinstance(b, FaceButton)] == [False] * 4 + [True]
    words.setFocus()
    qtbot.keyClicks(words.words, "Bright, calm, friendly")
    qtbot.keyClick(young, Qt.Key.Key_PageDown)                  # the typed words are saved on turning the page
    assert young.page == 1 and young.where.text() == "Page 2 of 8"
    room_feel, room_clean = young.questions[1][:2]
    qtbot.keyClick(room_feel, Qt.Key.Key_3)
    room_clean.setFocus()
    qtbot.keyClick(room_clean, Qt.Key.Key_Y)
    assert room_clean.buttons[0].text() == "✓ Yes"
    form = young.form.checklist
    assert (form.answer("yi_welcome"), form.answer("yi_outside"), form.answer("yi_first_words"),
            form.answer("yi_room_clean")) == (4, 5, "Bright, calm, friendly", YES)
    while young.next.isVisible():
        young.next.click()
    assert young.where.text() == "All done"
    assert "What did you think of the kitchen?" in [b.property("label") for b in young.unanswered_links]

    # the officer reviews: accepting is refused while questions are unanswered, and nothing changes
    review = window.review_young_inspector()
    qtbot.addWidget(review)
    assert ("Bright, calm, friendly" in review.answers.toPlainText()
            and "4 out of 5: happy" in review.answers.toPlainText())
    review.accept_form()
    assert "has not answered yet" in review.error.text() and review.isVisible()
    review.reject()

    young.go(2)  # back to the Young Inspector for the rest, each page by keyboard
    for page in range(2, 8):
        young.go(page)
        for question in young.questions[page]:
            kind = question.item.response.value
            question.setFocus()
            if kind == "faces":
                qtbot.keyClick(question, Qt.Key.Key_4)
            elif kind == "yes_no":
                qtbot.keyClick(question, Qt.Key.Key_Y)
            elif kind == "text" and question.item.required:
                qtbot.keyClicks(question.words, "Staff knew everyone's name")
    young.finish()                  # "I have finished": the kiosk locks, and the officer unlocks it
    assert kiosk.locked
    qtbot.keyClicks(kiosk.secret, "482916")
    qtbot.keyClick(kiosk.secret, Qt.Key.Key_Return)
    assert not kiosk.isVisible() and window.isVisible()
    assert "review and accept" in window.state.text()
    assert young.form.unanswered() == []

    review = window.review_young_inspector()
    qtbot.addWidget(review)
    review.officer.setCurrentText("Jo Morgan")
    review.accept_form()
    assert not review.error.text()
    assert not [p for p in window.visit.problems_before_completion() if p.startswith("Young Inspector")]
