"""Dates typed the way they are written in England (walk6): "5/1/2027" typed into a visit's date
became 5 December 2026 without a word (the month was a name, digits went to the day alone), and a
click into the day before typing made "18" of a "1"."""

import datetime as dt

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import QLineEdit, QWidget

from qa_desktop.services.demo import load_demo
from qa_desktop.ui.caseload_dialogs import PlanVisitDialog
from qa_desktop.ui.typed_dates import day_edit, moment_edit
from tests.conftest import TODAY


@pytest.mark.parametrize("typed, day", [("5/1/2027", dt.date(2027, 1, 5)), ("15/12/2026", dt.date(2026, 12, 15)),
                                        ("05.01.2027", dt.date(2027, 1, 5)), ("1-11-2027", dt.date(2027, 11, 1))])
def test_a_date_typed_day_month_year_is_the_date_typed(qtbot, typed, day):
    field = day_edit(dt.date(2026, 12, 8), "Visit date")
    qtbot.addWidget(field)
    field.show()
    field.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(field, typed)
    assert (field.date().year(), field.date().month(), field.date().day()) == (day.year, day.month, day.day)


@pytest.mark.parametrize("leave", [Qt.Key.Key_Return, Qt.Key.Key_Tab])
def test_a_two_digit_year_is_this_centurys(qtbot, leave):
    """review6: 5/1/27 typed over a date in 2026 became 05/01/2026 (Qt kept the year shown), and Enter
    saved it in a dialog."""
    field = day_edit(dt.date(2026, 12, 8), "Visit date")
    qtbot.addWidget(field)
    field.show()
    field.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(field, "5/1/27")
    qtbot.keyClick(field, leave)
    assert field.date().toString("yyyy-MM-dd") == "2027-01-05"


def test_a_date_typed_after_enter_starts_from_the_day(qtbot):
    """walk8: Enter saves a document's date on the visit screen, the field kept; Qt left the cursor in the
    year, and the next date typed, 02/02/2026, became 01/02/2002 (saved as the field was left)."""
    field = day_edit(dt.date(2026, 1, 5), "Expires")
    qtbot.addWidget(field)
    field.show()
    field.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(field, "01/02/2026")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.keyClicks(field, "02/03/2027")
    assert field.date().toString("yyyy-MM-dd") == "2027-03-02" and field.text() == "02/03/2027"


def test_a_click_in_the_day_then_typing_replaces_the_day(qtbot):
    field = day_edit(dt.date(2026, 12, 8), "Visit date")
    qtbot.addWidget(field)
    field.resize(220, 30)
    field.show()
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton, pos=QPoint(8, 15))  # on the day
    qtbot.keyClicks(field, "15/1/2027")
    assert field.date().toString("yyyy-MM-dd") == "2027-01-15"


def test_a_moment_typed_with_its_time(qtbot):
    field = moment_edit(dt.datetime(2026, 12, 8, 10, 0, tzinfo=dt.UTC), "Starts")
    qtbot.addWidget(field)
    field.show()
    field.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(field, "5/1/2027 14:30")
    assert field.dateTime().toString("yyyy-MM-dd HH:mm") == "2027-01-05 14:30"
    other = moment_edit(dt.datetime(2026, 12, 8, 10, 0, tzinfo=dt.UTC), "Starts")
    qtbot.addWidget(other)
    other.show()
    other.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(other, "6/2/28 09:15")  # a two-digit year, then the time
    assert other.dateTime().toString("yyyy-MM-dd HH:mm") == "2028-02-06 09:15"


def test_a_visit_planned_by_typing_its_date_is_planned_on_that_date(qtbot, store, workspace):
    load_demo(store, today=TODAY)
    dialog = PlanVisitDialog(workspace)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.setting.setCurrentIndex(0)
    dialog.date.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(dialog.date, "5/1/2027")
    qtbot.keyClick(dialog.date, Qt.Key.Key_Tab)
    dialog.accept()
    assert not dialog.isVisible(), dialog.error.text()
    planned = next(v for v in workspace.planning.visits() if v.id == dialog.visit_id)
    assert planned.visit_date == dt.date(2027, 1, 5)


def test_a_form_opens_on_its_first_field_so_typing_goes_into_it(qtbot, store, workspace):
    """walk6: Add a provider and Plan a visit opened with the focus on OK (its buttons are made before
    the form's fields): typing went nowhere and Enter saved the form untouched."""
    from qa_desktop.ui.provider_forms import ProviderDialog

    provider = ProviderDialog(workspace)  # on a new laptop's empty register (its first provider)
    qtbot.addWidget(provider)
    provider.show()
    focus = provider.focusWidget()
    assert focus is not None and focus.accessibleName() == "Name", focus
    qtbot.keyClicks(focus, "Harbour View")
    assert focus.text() == "Harbour View"
    provider.accept()  # refused (no service type): said, and the form grows to hold it, no row drawn over another
    assert provider.error.isVisible() and provider.height() >= provider.sizeHint().height()
    boxes = sorted((w.geometry() for w in provider.findChildren(QWidget)
                    if w.parent() is provider and w.isVisible() and w.accessibleName() in ("Notes", "Town")),
                   key=lambda r: r.top())
    assert len(boxes) == 2 and boxes[0].bottom() < boxes[1].top()  # walk6: Notes over the Town row
    load_demo(store, today=TODAY)
    plan = PlanVisitDialog(workspace)
    qtbot.addWidget(plan)
    plan.show()
    assert not plan.buttons.isAncestorOf(plan.focusWidget())


# -- a day the month cannot have (walk7: 31/11 became 30/11 without a word, and was saved) ------------

def _left(qtbot, field, typed):
    """Typed into ``field`` in a window beside another field, then left by a click elsewhere."""
    host = QWidget()
    qtbot.addWidget(host)
    other = QLineEdit(host)
    field.setParent(host)
    field.move(0, 40)
    host.show()
    host.activateWindow()
    qtbot.waitUntil(host.isActiveWindow)
    told = []
    field.dateChanged.connect(lambda day: told.append((day.toString("dd/MM/yyyy"), bool(field.problem))))
    field.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(field, typed)
    other.setFocus(Qt.FocusReason.MouseFocusReason)
    field.host = host  # kept while the field is looked at
    return told


@pytest.mark.parametrize("make", [lambda: day_edit(dt.date(2026, 12, 8), "Visit date"),
                                  lambda: moment_edit(dt.datetime(2026, 12, 8, 10, 0).astimezone(), "Starts")])
@pytest.mark.parametrize("typed, said", [("31/11/2026", "November 2026 has 30 days"),
                                         ("29/2/2027", "February 2027 has 28 days"),
                                         ("31/11/26", "November 2026 has 30 days")])
def test_a_day_the_month_cannot_have_is_refused_in_words_and_kept_as_typed(qtbot, make, typed, said):
    field = make()
    told = _left(qtbot, field, typed)
    assert said in field.problem and said in field.toolTip()
    day, month = typed.split("/")[:2]
    assert field.text().startswith(f"{int(day):02d}/{int(month):02d}/20")  # what was typed, not the 30th
    assert field.date().month() == 12  # its last real date: the day Qt cut to the month was never its date
    assert all(problem for day, problem in told if day.startswith(("30/11", "28/02"))), told  # told as refused
    field.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(field, "30/11/2026")  # a real date: the problem is gone, the date is the one typed
    assert field.problem == "" and field.date() == QDate(2026, 11, 30)


def test_a_day_cut_while_the_month_shown_was_shorter_is_the_day_typed(qtbot):
    field = day_edit(dt.date(2026, 11, 8), "Visit date")  # November: Qt cut a 31 typed into it to the 30th
    _left(qtbot, field, "31/12/2026")
    assert field.problem == "" and field.date() == QDate(2026, 12, 31)
    leap = day_edit(dt.date(2026, 12, 8), "Visit date")
    _left(qtbot, leap, "29/2/2028")
    assert leap.problem == "" and leap.date() == QDate(2028, 2, 29)


def test_a_form_refuses_a_day_its_month_cannot_have(qtbot, store, workspace):
    load_demo(store, today=TODAY)
    dialog = PlanVisitDialog(workspace)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.setting.setCurrentIndex(0)
    dialog.date.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(dialog.date, "31/11/2026")
    qtbot.keyClick(dialog.date, Qt.Key.Key_Tab)
    before = len(workspace.planning.visits())
    dialog.accept()
    assert dialog.isVisible() and "is not a date: November 2026 has 30 days" in dialog.error.text()
    assert dialog.date.text() == "31/11/2026"  # as typed, beside the words
    assert len(workspace.planning.visits()) == before  # nothing planned


def test_issuing_a_report_refuses_a_reply_due_its_month_cannot_have(qtbot):
    from qa_desktop.ui.documents_menu import IssueDialog

    dialog = IssueDialog([], dt.date(2026, 12, 8))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.due.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(dialog.due, "31/11/2026")
    qtbot.keyClick(dialog.due, Qt.Key.Key_Tab)
    dialog.accept()
    assert dialog.isVisible() and "November 2026 has 30 days" in dialog.date_problem.text()
