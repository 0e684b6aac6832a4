"""The Young Inspector hand-over as a kiosk (issue 15 point 4) and their form by keyboard, aloud and
in their own reading settings (issue 21), driven as a Young Inspector and an officer would, with the
real windows: the register and the visit open behind, escape attempts by keyboard and mouse."""

from __future__ import annotations

import wave
from datetime import timedelta

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QScrollArea

from qa_desktop.domain.young_inspectors import Comfort, Tint, Typeface, WithdrawalReason
from qa_desktop.forms.checklist import NO, YES
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.ui.app import resume_hand_over
from qa_desktop.ui.hand_over_dialog import HandOverDialog
from qa_desktop.ui.kiosk import HandOverKiosk
from qa_desktop.ui.main_window import MainWindow
from qa_desktop.ui.speech import Speaker
from qa_desktop.ui.visit_window import VisitWindow
from qa_desktop.ui.young_inspector_window import Face, YesNo
from qa_desktop.workspace import Workspace
from tests.sync.conftest import make_visit

PIN = "482916"


@pytest.fixture
def officer_screens(qtbot, store, workspace, hub, tmp_path, messages):
    """The register and a visit with a Young Inspector form open, an unlock PIN set, and Sam."""
    visit_id = make_visit(store, TemplateLibrary.load())
    workspace.visits.add_young_inspector_form(visit_id)
    main = MainWindow(workspace, hub, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    visit = VisitWindow(workspace, hub, visit_id)
    for window in (main, visit):
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
    workspace.hand_over.set_unlock(PIN)
    sam = workspace.hand_over.add_young_inspector("Sam").value
    yield main, visit, sam
    for left in QApplication.topLevelWidgets():  # a kiosk a test left locked would keep filtering input
        if isinstance(left, HandOverKiosk) and not left.is_unlocked:
            left.is_unlocked = True
            left.end()


def hand_over(qtbot, visit, sam, tmp_path=None) -> HandOverKiosk:
    kiosk = visit.start_hand_over(sam)
    qtbot.addWidget(kiosk)
    qtbot.waitExposed(kiosk)
    kiosk.activateWindow()
    qtbot.waitUntil(kiosk.isActiveWindow)
    if tmp_path is not None:  # speech written to a file by a real voice (espeak-ng), not to the speakers
        kiosk.form.speaker = Speaker(kiosk.form, to_file=tmp_path / "speech.wav")
    return kiosk


def visible_windows() -> set:
    return {w for w in QApplication.topLevelWidgets() if w.isVisible()}


def test_the_hand_over_is_a_full_screen_modal_kiosk_that_only_the_officers_pin_leaves(qtbot, officer_screens):
    main, visit, sam = officer_screens
    clicked = []
    visit.report_button.clicked.connect(lambda: clicked.append("report"))
    kiosk = hand_over(qtbot, visit, sam)
    assert kiosk.isFullScreen() and kiosk.windowModality() is Qt.WindowModality.ApplicationModal
    assert kiosk.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert kiosk.windowFlags() & Qt.WindowType.FramelessWindowHint
    assert visible_windows() == {kiosk}  # the register and the visit (with its notes) are out of sight
    assert kiosk.young.user.role.value == "young_inspector"  # it runs on the Young Inspector's workspace

    # escape attempts by keyboard: Esc, Alt+F4, the program's own shortcuts, switching windows
    for key, modifiers in ((Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
                           (Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier),
                           (Qt.Key.Key_Tab, Qt.KeyboardModifier.AltModifier),
                           (Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier),
                           (Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier),   # Oversight
                           (Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier),   # start a visit
                           (Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier),   # the visit's report
                           (Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier),
                           (Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)):
        qtbot.keyClick(QApplication.focusWidget() or kiosk, key, modifiers)
        qtbot.keyClick(main, key, modifiers)  # even sent straight to the register: dropped
        assert visible_windows() == {kiosk} and kiosk.isFullScreen()
    assert not clicked
    # closing: refused, and the screen asks for the officer
    assert kiosk.close() is False and kiosk.isVisible() and kiosk.locked
    kiosk.resume()
    # clicking behind: a click on the visit window's Report button does nothing
    qtbot.mouseClick(visit.report_button, Qt.MouseButton.LeftButton)
    assert not clicked
    # typing into the officer's note behind does nothing
    note_before = visit.items[0].note.toPlainText()
    qtbot.keyClicks(visit.items[0].note, "LADO")
    assert visit.items[0].note.toPlainText() == note_before
    # a window the program opens meanwhile (a sync's message) is hidden at once
    popup = QMessageBox(QMessageBox.Icon.Information, "Sync", "Maple Lodge: 3 changes received", parent=main)
    popup.show()
    qtbot.waitUntil(lambda: not popup.isVisible())

    kiosk.form.take_break()
    assert kiosk.locked
    qtbot.keyClicks(kiosk.secret, "000000")
    qtbot.keyClick(kiosk.secret, Qt.Key.Key_Return)
    assert "not the officer's PIN" in kiosk.problem.text() and kiosk.isVisible()
    kiosk.forgot_button.click()
    assert "Sign out of Windows" in kiosk.forgotten.text() and kiosk.forgotten.isVisible()
    qtbot.keyClicks(kiosk.secret, PIN)
    qtbot.keyClick(kiosk.secret, Qt.Key.Key_Return)
    assert not kiosk.isVisible()
    assert main.isVisible() and visit.isVisible() and popup.isVisible()  # all given back
    assert visit.workspace.hand_over.in_progress() is None
    popup.close()


def test_wrong_pins_make_the_next_try_wait(qtbot, officer_screens):
    _, visit, sam = officer_screens
    kiosk = hand_over(qtbot, visit, sam)
    kiosk.form.take_break()
    for _ in range(5):
        kiosk.secret.setText("000000")
        kiosk.try_unlock()
    kiosk.secret.setText(PIN)
    kiosk.try_unlock()
    assert "Too many wrong tries. Try again in 30 seconds." in kiosk.problem.text()
    assert not kiosk.secret.isEnabled() and kiosk.isVisible()
    kiosk._may_try_again()
    visit.workspace.clock.advance(timedelta(seconds=31))
    kiosk.secret.setText(PIN)
    kiosk.try_unlock()
    assert not kiosk.isVisible()


def test_tab_goes_between_questions_arrows_between_faces_and_nothing_changes_by_accident(qtbot, officer_screens):
    _, visit, sam = officer_screens
    young = hand_over(qtbot, visit, sam).form
    welcome, outside, words = young.questions[0]
    qtbot.waitUntil(welcome.hasFocus)
    qtbot.keyClick(welcome, Qt.Key.Key_Space)        # Tab then Space: nothing chosen
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is outside       # Tab: the next question, not the next face
    qtbot.keyClick(outside, Qt.Key.Key_Space)
    assert young.form.checklist.answer("yi_welcome") is None and young.form.checklist.answer("yi_outside") is None
    qtbot.keyClick(outside, Qt.Key.Key_Right)        # into the faces: the first, nothing chosen
    assert isinstance(QApplication.focusWidget(), Face) and QApplication.focusWidget().score == 1
    for _ in range(3):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)
    assert QApplication.focusWidget().score == 4 and young.form.checklist.answer("yi_outside") is None
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)  # the deliberate choice
    assert young.form.checklist.answer("yi_outside") == 4
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is words.words    # from a face, Tab goes on to the next question
    qtbot.keyClicks(words.words, "Calm")
    qtbot.keyClick(words.words, Qt.Key.Key_Tab)       # typing, Tab, then a space: nothing changes anywhere
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    assert young.form.checklist.answer("yi_welcome") is None
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)

    young.go(1)  # yes/no questions, by Tab and the arrows
    room_feel, room_clean = young.questions[1][:2]
    qtbot.waitUntil(room_feel.hasFocus)
    qtbot.keyClick(room_feel, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is room_clean
    qtbot.keyClick(room_clean, Qt.Key.Key_Right)
    assert isinstance(QApplication.focusWidget(), YesNo) and QApplication.focusWidget().text() == "Yes"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)
    assert QApplication.focusWidget().text() == "No" and young.form.checklist.answer("yi_room_clean") is None
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert young.form.checklist.answer("yi_room_clean") == NO
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is room_clean
    qtbot.keyClick(room_clean, Qt.Key.Key_Y)
    assert young.form.checklist.answer("yi_room_clean") == YES
    assert young.form.checklist.answer("yi_first_words") == "Calm"


def test_read_aloud_hands_the_right_words_to_a_real_voice(qtbot, officer_screens, tmp_path):
    _, visit, sam = officer_screens
    young = hand_over(qtbot, visit, sam, tmp_path).form
    if not young.speaker.available:
        pytest.skip("no espeak-ng on this machine (./test installs it)")
    welcome = young.questions[0][0]
    with qtbot.waitSignal(young.speaker.finished, timeout=20000):
        welcome.speak.click()
    assert young.speaker.last_text == ("How welcome did you feel when you arrived? Choose a face: Very unhappy, "
                                       "Unhappy, Okay, Happy, Very happy.")
    with wave.open(str(tmp_path / "speech.wav")) as sound:
        question_seconds = sound.getnframes() / sound.getframerate()
    assert question_seconds > 2
    qtbot.keyClick(welcome, Qt.Key.Key_4)
    with qtbot.waitSignal(young.speaker.finished, timeout=20000):
        qtbot.keyClick(welcome, Qt.Key.Key_R)          # R reads the focused question, with the answer
    assert young.speaker.last_text.endswith("Your answer: 4 out of 5: happy.")
    with qtbot.waitSignal(young.speaker.finished, timeout=30000):
        young.read_page.click()
    assert young.speaker.last_text.startswith("Page 1 of 8: ")
    assert "What did the outside of the building look like?" in young.speaker.last_text
    with wave.open(str(tmp_path / "speech.wav")) as sound:
        assert sound.getnframes() / sound.getframerate() > question_seconds * 1.5  # the whole page is longer


def test_reading_settings_show_at_once_and_are_kept_with_the_young_inspector(qtbot, officer_screens):
    _, visit, sam = officer_screens
    kiosk = hand_over(qtbot, visit, sam)
    young = kiosk.form
    size_before = young.font().pointSizeF()
    young.settings_button.click()
    assert young.comfort_panel.isVisible()
    for name, choice in (("tint", "cream"), ("typeface", "wide"), ("text_size", 150), ("line_spacing", 200)):
        next(b for b in young.comfort_panel.groups[name].buttons() if b.property("choice") == choice).click()
    assert young.font().pointSizeF() == pytest.approx(size_before * 1.5)
    assert "#FBF5E6" in young.styleSheet()
    assert "line-height:200%" in young.questions[0][0].label.text()
    expected = Comfort(Tint.CREAM, Typeface.WIDE, 150, 200)
    assert visit.workspace.hand_over.reading_comfort(sam) == expected  # kept with Sam, and it syncs
    kiosk.form.finish()
    kiosk.secret.setText(PIN)
    kiosk.try_unlock()
    again = hand_over(qtbot, visit, sam)          # the next hand-over to Sam opens as Sam likes it
    assert again.form.comfort == expected and again.form.font().pointSizeF() == pytest.approx(size_before * 1.5)


def test_the_end_page_lists_what_is_unanswered_and_thanks_only_for_answers(qtbot, officer_screens):
    _, visit, sam = officer_screens
    young = hand_over(qtbot, visit, sam).form
    young.go(len(young.pages_list))
    assert young.thanks.text().find("You have not answered any questions yet.") > 0
    assert "Thank you" not in young.thanks.text()
    total = sum(len(page) for page in young.questions)
    assert len(young.unanswered_links) == total
    kitchen = next(b for b in young.unanswered_links if b.property("label") == "What did you think of the kitchen?")
    kitchen.click()                                   # a link to the question
    assert young.page == 2 and young.window().focusWidget().item.key == "yi_kitchen"
    qtbot.keyClick(young.window().focusWidget(), Qt.Key.Key_5)
    young.go(len(young.pages_list))
    assert "Thank you! Your answers so far are saved." in young.thanks.text()
    assert len(young.unanswered_links) == total - 1
    button = young.done_button                        # the end button's words fit
    assert button.width() >= button.sizeHint().width()
    assert button.fontMetrics().horizontalAdvance(button.text()) < button.contentsRect().width()
    assert isinstance(young.stack.widget(0), QScrollArea)


def test_i_need_a_break_saves_and_hands_back_then_the_young_inspector_carries_on(qtbot, officer_screens):
    _, visit, sam = officer_screens
    kiosk = hand_over(qtbot, visit, sam)
    young = kiosk.form
    words = young.questions[0][2]
    words.setFocus()
    qtbot.keyClicks(words.words, "Bright and calm")
    young.break_button.click()
    assert kiosk.locked and "Time for a break" in kiosk.lock_title.text()
    assert visit.workspace.visits.young_inspector_form(visit.visit.visit_id).checklist.answer(
        "yi_first_words") == "Bright and calm"        # saved before the laptop went back
    assert visible_windows() == {kiosk}               # still locked: the officer's screens stay hidden
    kiosk.carry_on.click()
    assert not kiosk.locked and young.page == 0


def test_the_program_ended_during_a_hand_over_opens_on_the_locked_screen(qtbot, officer_screens, store, tmp_path):
    _main, visit, sam = officer_screens
    kiosk = hand_over(qtbot, visit, sam)
    kiosk.hide()  # as if the program were ended here (Task Manager): nothing unlocked it
    QApplication.instance().removeEventFilter(kiosk)
    reopened = Workspace.open(store.data_dir, actor=store.actor, key=store.key)  # the same officer
    again = MainWindow(reopened, None, QSettings(str(tmp_path / "again.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(again)
    resumed = resume_hand_over(reopened, again)
    qtbot.addWidget(resumed)
    assert resumed.locked and resumed.isFullScreen() and not again.isVisible()
    resumed.secret.setText(PIN)
    resumed.try_unlock()
    assert again.isVisible() and reopened.hand_over.in_progress() is None, resumed.problem.text()
    reopened.close()


def test_the_officer_hands_over_through_the_dialog_and_withdraws_a_form(qtbot, officer_screens, messages):
    _main, visit, _sam = officer_screens
    dialog = HandOverDialog(visit.workspace, visit)
    qtbot.addWidget(dialog)
    assert [dialog.who.itemText(i) for i in range(dialog.who.count())] == ["Sam"]
    dialog.new_name.setText("Riley")
    dialog.add_young_inspector()
    assert dialog.who.currentText() == "Riley"
    dialog.change.setChecked(True)
    dialog.secret.setText("1234")
    dialog.again.setText("1234")
    dialog.hand_over()
    assert "at least 6 digits" in dialog.error.text() and dialog.secret.text() == "1234"
    dialog.change.setChecked(False)
    dialog.hand_over()
    assert dialog.chosen == dialog.who.currentData()

    withdraw = visit.withdraw_young_inspector()
    qtbot.addWidget(withdraw)
    other = next(b for b in withdraw.reasons.buttons() if b.property("reason") == WithdrawalReason.OTHER.value)
    other.click()
    withdraw.withdraw()
    assert "Say why" in withdraw.error.text() and withdraw.isVisible()
    next(b for b in withdraw.reasons.buttons() if b.property("reason") == "opted_out").click()
    withdraw.officer.setCurrentText("Jo Morgan")
    withdraw.withdraw()
    assert not withdraw.isVisible() and "withdrawn" in visit.state.text()
    assert not [p for p in visit.visit.problems_before_completion() if p.startswith("Young Inspector")]
    visit._young_inspector_menu_state()
    assert not visit.hand_over_action.isEnabled() and not visit.withdraw_action.isEnabled()
    assert isinstance(dialog.go_button, QPushButton)
