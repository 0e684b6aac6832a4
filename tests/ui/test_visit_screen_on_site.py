"""The visit screen on a laptop on the officer's knee, and two officers on one visit (issue 21):
compact rows, progress and the next unanswered item, the keys, photos, document dates, and the
officers' differences marked on the item, resolved there, refusing completion meanwhile."""

from __future__ import annotations

import datetime as dt

import pytest
from PIL import Image
from pypdf import PdfReader
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication

from qa_desktop.forms.checklist import MET, NOT_MET, DocumentSeen
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.services.visits import open_visit
from qa_desktop.store.database import Store
from qa_desktop.sync.engine import sync
from qa_desktop.sync.folder import FolderStore
from qa_desktop.ui.change_hub import ChangeHub
from qa_desktop.ui.visit_window import VisitWindow
from qa_desktop.workspace import Workspace
from tests.sync.conftest import first_items, make_visit


@pytest.fixture(scope="module")
def library():
    return TemplateLibrary.load()


@pytest.fixture
def visit(store, library):
    return make_visit(store, library)


def open_window(qtbot, workspace, hub, visit_id, size=(1280, 720)):
    window = VisitWindow(workspace, hub, visit_id)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # keys reach the window's shortcuts as on a desktop
    return window


def focused_item(window):
    focus = window.focusWidget()
    return next((w for w in window.items if w is focus), None)


def test_many_items_show_at_once_on_a_1280_by_720_screen(qtbot, workspace, hub, visit):
    window = open_window(qtbot, workspace, hub, visit)
    biggest = max((n for n, (_, s) in enumerate(window.sections.rows) if len(s.items) >= 12), default=None)
    assert biggest is not None
    window.section_list.setCurrentIndex(window.sections.index(biggest))
    QApplication.processEvents()
    viewport = window.scroll_area.viewport()
    shown = [w for w in window.items if w.visibleRegion().boundingRect().height() >= w.height() - 1
             and w.mapTo(viewport, w.rect().bottomLeft()).y() <= viewport.height()]
    assert len(shown) >= 10, f"only {len(shown)} items on screen"
    assert max(w.height() for w in window.items) < 80  # a compact row, not 176 px


def test_overall_progress_and_next_unanswered_by_key(qtbot, workspace, hub, visit):
    window = open_window(qtbot, workspace, hub, visit)
    total = window.progress.maximum()
    assert window.progress_words.text() == f"0 of {total} answered"
    first = window.items[0]
    first.setFocus()
    for widget in window.items[:3]:
        if widget.options:
            qtbot.keyClick(widget, Qt.Key.Key_1)
    answered = window.progress.value()
    assert answered >= 1 and window.progress_words.text().startswith(f"{answered} of {total}")
    window.items[0].setFocus()
    qtbot.keyClick(window, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    target = focused_item(window)
    _key, checklist = window.current_checklist()
    assert target is not None and not checklist.is_answered(target.item)


def test_sections_by_ctrl_page_keys_and_items_by_arrows_from_a_button(qtbot, workspace, hub, visit):
    window = open_window(qtbot, workspace, hub, visit)
    window.items[0].setFocus()
    qtbot.keyClick(window, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.section_list.currentIndex().row() == 1 and window.focusWidget() is window.items[0]
    qtbot.keyClick(window, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert window.section_list.currentIndex().row() == 0
    with_buttons = next(w for w in window.items if w.buttons)
    position = window.items.index(with_buttons)
    with_buttons.buttons[1].setFocus()  # as after Shift+Tab
    qtbot.keyClick(with_buttons.buttons[1], Qt.Key.Key_Down)
    assert window.focusWidget() is window.items[position + 1]  # Down moves to the next item, not the next button
    qtbot.keyClick(window.items[position + 1], Qt.Key.Key_Up)
    assert window.focusWidget() is with_buttons


def test_esc_in_a_note_comes_back_to_the_item_and_the_note_shows_in_the_row(qtbot, workspace, hub, visit):
    window = open_window(qtbot, workspace, hub, visit)
    item = next(w for w in window.items if w.options)
    item.setFocus()
    qtbot.keyClick(item, Qt.Key.Key_N)
    assert window.focusWidget() is item.note and item.note.isVisible()
    qtbot.keyClicks(item.note, "Hob ring 2 does not light")
    qtbot.keyClick(item.note, Qt.Key.Key_Escape)
    assert window.focusWidget() is item and not item.note.isVisible()
    assert "Hob ring 2 does not light" in item.detail.text() and item.note_button.text() == "Note ✓"
    key, _ = window.current_checklist()
    assert open_visit(workspace._store, visit).checklists[key].record(item.item.key).note == \
        "Hob ring 2 does not light"


def test_a_digit_on_a_number_item_starts_the_answer_and_elsewhere_is_told(qtbot, workspace, hub, visit):
    window = open_window(qtbot, workspace, hub, visit)
    for row, (_key, section) in enumerate(window.sections.rows):
        if any(i.response.value == "number" for i in section.items):
            window.section_list.setCurrentIndex(window.sections.index(row))
            break
    number = next(w for w in window.items if w.item.response.value == "number")
    number.setFocus()
    qtbot.keyClick(number, Qt.Key.Key_7)
    assert window.focusWidget() is number.text_answer and number.text_answer.text() == "7"
    choice = next(w for w in window.items if len(w.options) == 3)
    choice.setFocus()
    qtbot.keyClick(choice, Qt.Key.Key_8)
    assert "8 is not an answer" in window.state.text() and "1 to 3" in window.state.text()


def test_photos_view_full_size_recaption_replace_and_delete(qtbot, workspace, hub, visit, tmp_path, monkeypatch):
    window = open_window(qtbot, workspace, hub, visit)
    item = next(w for w in window.items if w.options)
    Image.new("RGB", (640, 480), "red").save(tmp_path / "door.jpg")
    Image.new("RGB", (300, 200), "blue").save(tmp_path / "better.jpg")
    window.add_photo(item.item.key, str(tmp_path / "door.jpg"), "Wedged fire door")
    assert item.photo_button.text() == "Photos 1" and "Wedged fire door" in item.detail.text()
    item.setFocus()
    opened = []
    monkeypatch.setattr(window, "show_photos", lambda key, real=window.show_photos: opened.append(real(key)))
    item.photos_wanted.disconnect()
    item.photos_wanted.connect(window.show_photos)
    qtbot.keyClick(item, Qt.Key.Key_V)
    (dialog,) = opened
    qtbot.addWidget(dialog)
    assert dialog.list.count() == 1
    full = dialog.view_full_size()
    assert full is not None and full.findChildren(type(item.detail))[0].pixmap().width() == 640
    dialog.recaption("Fire door wedged open with a chair")
    key, _ = window.current_checklist()
    record = lambda: open_visit(workspace._store, visit).checklists[key].record(item.item.key)  # noqa: E731
    assert [e.caption for e in record().evidence] == ["Fire door wedged open with a chair"]
    old_blob = record().evidence[0].blob
    dialog.replace(str(tmp_path / "better.jpg"))
    assert record().evidence[0].blob != old_blob
    assert record().evidence[0].caption == "Fire door wedged open with a chair"
    dialog.delete(confirm=False)
    assert record().evidence == [] and dialog.list.count() == 0 and item.photo_button.text() == "Photo"


def _first_document(window):
    """The first document item's row, its section shown."""
    for row, (_, section) in enumerate(window.sections.rows):
        if any(i.response.value == "document" for i in section.items):
            window.section_list.setCurrentIndex(window.sections.index(row))
            break
    return next(w for w in window.items if w.document_seen is not None)


def test_document_dates_on_screen_and_expiry_not_recorded_in_words(qtbot, workspace, hub, visit):
    window = open_window(qtbot, workspace, hub, visit)
    document = _first_document(window)
    document.setFocus()
    qtbot.keyClick(document, Qt.Key.Key_1)  # seen
    assert document.document_seen.isChecked()
    assert "Seen, date not recorded, expiry not recorded" in document.detail.text()
    assert "In date" not in document.detail.text()
    # a date typed into "not recorded" (walk6: the digits went into the words, "not recorded026", no date kept)
    document.document_dated.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(document.document_dated, "5/1/2026")
    qtbot.keyClick(document.document_dated, Qt.Key.Key_Tab)
    key, _ = window.current_checklist()
    stored = open_visit(workspace._store, visit).checklists[key].record(document.item.key).answer
    assert stored == DocumentSeen(True, dt.date(2026, 1, 5), None)
    assert document.document_dated.text() == "05/01/2026"
    document.setFocus()  # dates set other than by typing into them are saved at once
    document.document_dated.setDate(QDate(2026, 3, 1))
    document.document_expires.setDate(QDate(2027, 3, 1))
    stored = open_visit(workspace._store, visit).checklists[key].record(document.item.key).answer
    assert stored == DocumentSeen(True, dt.date(2026, 3, 1), dt.date(2027, 3, 1))
    assert "dated 01 Mar 2026, expires 01 Mar 2027" in document.detail.text()
    # typed as written in England (walk6: "5/1/2027" typed into "d MMM yyyy" became another date, no word)
    document.document_expires.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(document.document_expires, "5/1/2028")
    qtbot.keyClick(document.document_expires, Qt.Key.Key_Tab)
    stored = open_visit(workspace._store, visit).checklists[key].record(document.item.key).answer
    assert stored == DocumentSeen(True, dt.date(2026, 3, 1), dt.date(2028, 1, 5))


def test_a_note_is_added_to_at_its_end(qtbot, workspace, hub, visit):
    """walk6: N opened the note with the cursor at its start; the words typed went in front."""
    window = open_window(qtbot, workspace, hub, visit)
    key, _ = window.current_checklist()
    open_visit(workspace._store, visit).set_note(key, window.items[0].item.key, "Two hob rings do not light.")
    window.close()
    window = open_window(qtbot, workspace, hub, visit)  # the note as stored, written earlier
    item = window.items[0]
    assert item.note.toPlainText() == "Two hob rings do not light."
    item.setFocus()
    qtbot.keyClick(item, Qt.Key.Key_N)
    qtbot.keyClicks(item.note, " Manager called.")
    qtbot.keyClick(item.note, Qt.Key.Key_Escape)
    key, _ = window.current_checklist()
    stored = open_visit(workspace._store, visit).checklists[key].record(item.item.key).note
    assert stored == "Two hob rings do not light. Manager called."


# -- two officers, one visit -------------------------------------------------------------------------

@pytest.fixture
def two_officers(tmp_path, library):
    """Alex and Jo on one visit, each on a laptop, who answered and noted the same item differently
    without seeing each other's: Alex's laptop has both after a sync."""
    alex, jo = Store(tmp_path / "alex", actor="Alex Patel"), Store(tmp_path / "jo", actor="Jo Morgan")
    shared = FolderStore(tmp_path / "shared")
    visit_id = make_visit(alex, library)
    sync(alex, shared), sync(jo, shared)
    (template, item), = first_items(alex, visit_id, 1)
    mine, theirs = open_visit(alex, visit_id), open_visit(jo, visit_id)
    mine.set_answer(template, item, NOT_MET)
    mine.set_note(template, item, "Two hob rings do not light.")
    theirs.set_answer(template, item, "not_applicable")
    theirs.set_note(template, item, "Cooker not in use.")
    sync(jo, shared), sync(alex, shared)
    yield alex, visit_id, template, item
    alex.close(), jo.close()


def test_a_difference_is_marked_on_the_item_with_both_values_who_and_when(qtbot, two_officers):
    alex, visit_id, _template, item = two_officers
    workspace = Workspace(alex)
    hub = ChangeHub(workspace, poll_ms=0)
    window = open_window(qtbot, workspace, hub, visit_id)
    assert window.sections.index(0).data().startswith("⚠ ") and "2 to resolve" in window.sections.index(0).data()
    assert "2 differences between the officers to resolve" in window.progress_words.text()
    qtbot.keyClick(window, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    widget = focused_item(window)
    assert widget is not None and widget.item.key == item and widget.mark.text() == "⚠"
    answer, note = sorted(widget.difference_cards, key=lambda c: c.difference.field != "value")
    answer_text = " ".join(label.text() for label in answer.findChildren(type(widget.detail)))
    assert "Not met" in answer_text and "N/A" in answer_text
    assert "Alex Patel" in answer_text and "Jo Morgan" in answer_text
    assert note.keep_both is not None and answer.keep_both is None
    hub.close()


def test_completion_is_refused_while_the_officers_differ_and_keep_both_attributes_each_note(
        qtbot, two_officers, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QMessageBox
    alex, visit_id, template, item = two_officers
    workspace = Workspace(alex)
    hub = ChangeHub(workspace, poll_ms=0)
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text, *a: told.append(text))
    window = open_window(qtbot, workspace, hub, visit_id)
    window.complete()
    assert "2 differences between the two officers" in told[-1]
    assert workspace.visits.differences(visit_id) and len(workspace.visits.differences(visit_id)) == 2
    window.next_difference()
    widget = focused_item(window)
    note = next(c for c in widget.difference_cards if c.difference.field == "note")
    qtbot.mouseClick(note.keep_both, Qt.MouseButton.LeftButton)
    widget = next(w for w in window.items if w.item.key == item)
    kept = open_visit(alex, visit_id).checklists[template].record(item).note
    assert "[Alex Patel, " in kept and "[Jo Morgan, " in kept
    assert "Two hob rings do not light." in kept and "Cooker not in use." in kept
    assert "<b>Alex Patel</b>" in widget.detail.text() and "<b>Jo Morgan</b>" in widget.detail.text()
    answer = next(c for c in widget.difference_cards if c.difference.field == "value")
    keep_not_met = next(b for b, s in zip(answer.keep_buttons, answer.difference.sides, strict=True)
                        if s.value == NOT_MET)
    qtbot.mouseClick(keep_not_met, Qt.MouseButton.LeftButton)
    assert workspace.visits.differences(visit_id) == []
    assert open_visit(alex, visit_id).checklists[template].record(item).answer == NOT_MET
    assert "to resolve" not in window.progress_words.text()

    report = workspace.visits.report(visit_id, tmp_path / "report.pdf").value
    # words compared with the spacing folded: pypdf gives each word drawn on its own as its own line
    text = " ".join("".join(page.extract_text() for page in PdfReader(str(report.path)).pages).split())
    assert "Alex Patel" in text and "Jo Morgan" in text and "Cooker not in use." in text
    hub.close()


def test_an_answer_chosen_on_the_screen_resolves_over_what_was_shown(qtbot, two_officers):
    alex, visit_id, template, item = two_officers
    workspace = Workspace(alex)
    hub = ChangeHub(workspace, poll_ms=0)
    window = open_window(qtbot, workspace, hub, visit_id)
    window.next_difference()
    widget = focused_item(window)
    answer = next(c for c in widget.difference_cards if c.difference.field == "value")
    shown = {s.op_id for s in answer.difference.sides}
    window.resolve_difference(answer.difference, MET)  # a value from the card's choice, written over both
    assert open_visit(alex, visit_id).checklists[template].record(item).answer == MET
    assert all(d.field != "value" for d in workspace.visits.differences(visit_id))
    assert shown  # the choice named both values it was made over
    hub.close()


def test_a_document_dated_on_the_visits_own_day_is_saved_as_typed(qtbot, workspace, hub, visit):
    """review6: typing into "not recorded" started from the visit's date without a signal, so a date typed
    equal to it (a document dated the day of the visit) showed but was never saved."""
    window = open_window(qtbot, workspace, hub, visit)
    document = _first_document(window)
    day = window.visit.visit_date
    document.document_dated.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(document.document_dated, f"{day:%d/%m/%Y}")
    qtbot.keyClick(document.document_dated, Qt.Key.Key_Tab)
    key, _ = window.current_checklist()
    stored = open_visit(workspace._store, visit).checklists[key].record(document.item.key).answer
    assert stored is not None and stored.dated == day
