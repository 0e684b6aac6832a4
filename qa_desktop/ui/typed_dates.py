"""Date fields an officer can type a date into the way it is written in England: 5/1/2027,
05/01/2027, 5.1.2027 or 5-1-2027 (day, month, year), as well as pick it from the calendar.

Qt's own date field edits one section at a time and, as QA Desktop had it ("d MMM yyyy"), took
digits for the day alone: "5/1/2027" typed into a visit's date became 5 December 2026 without a
word, and a click into the day before typing made "18" of a "1" (walk6). Here the month is a
number, a separator typed moves to the next section (unless the digits before it already filled
their section and moved on, so "15/12/2026" is not "15/12/<year 12>"), and the first digit after
the field is entered (by Tab or a click) replaces the section the cursor is in.

A year typed as two digits is this century's (5/1/27 is 5 January 2027).

Left as Qt does it: a day the month typed next cannot have is cut to the month's last day as it is
typed (31/11 shows 30/11; 29/2/2028 typed over a date in 2026 shows 28/02/2028), so the field
always holds, and shows, a real date; it is not refused in words.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtGui import QFocusEvent, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QDateEdit, QDateTimeEdit, QWidget

#: What an officer types between a date's parts (and a time's).
SEPARATORS = frozenset("/.-: ")
DAY_FORMAT = "dd/MM/yyyy"
MOMENT_FORMAT = "dd/MM/yyyy HH:mm"


class _TypedSections:
    """Separators move on; digits that fill a section move on by themselves (Qt), and the separator
    typed after them is then taken as already made. Mixed into ``QDateEdit``/``QDateTimeEdit``."""

    #: The date typing starts from in a field showing its special value ("not recorded"), day selected:
    #: Qt typed the digits into the special words ("not recorded026") and kept no date. Set with its
    #: signal, so what the field shows is what is saved (review6: set without it, a date typed equal to
    #: it, the visit's own day, showed but was never saved). None: left to Qt.
    blank_start: QDate | None = None
    #: the year's digits typed since the cursor came into the year ("27" of 5/1/27)
    _year_digits = ""
    #: the digits before filled their section and Qt moved on to the next
    _moved_on = False
    #: the next digit starts the section the cursor is in (replacing it), rather than going in beside it
    _fresh = True

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        field: QDateTimeEdit = self  # type: ignore[assignment]
        text = event.text()
        plain = not event.modifiers() & ~(Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier)
        if text and text in SEPARATORS and plain:
            self._two_digit_year()  # "5/1/27 14:30": the year is whole when the time begins
            if not self._moved_on:
                index = field.currentSectionIndex()
                if index + 1 < field.sectionCount():
                    field.setCurrentSectionIndex(index + 1)
                    field.setSelectedSection(field.sectionAt(index + 1))
            self._moved_on = False
            self._fresh = False
            event.accept()
            return
        if text.isdigit() and plain and self.blank_start is not None and field.specialValueText() and \
                field.date() == field.minimumDate():
            field.setDate(self.blank_start)
            field.setCurrentSection(QDateTimeEdit.Section.DaySection)
            self._fresh = True
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            self._two_digit_year()
        if text.isdigit() and self._fresh:
            field.setSelectedSection(field.currentSection())
        in_year = field.currentSection() == QDateTimeEdit.Section.YearSection
        before = field.currentSectionIndex()
        super().keyPressEvent(event)  # type: ignore[misc]
        self._year_digits = (self._year_digits + text if in_year and text.isdigit() else "") \
            if field.currentSection() == QDateTimeEdit.Section.YearSection else ""
        self._moved_on = text.isdigit() and field.currentSectionIndex() != before
        self._fresh = False

    def _two_digit_year(self) -> None:
        """A year typed as two digits is this century's: Qt kept the year shown (5/1/27 typed over a date
        in 2026 became 05/01/2026, and Enter saved it: review6)."""
        field: QDateTimeEdit = self  # type: ignore[assignment]
        digits, self._year_digits = self._year_digits, ""
        if len(digits) != 2:
            return
        shown = field.date()
        first = QDate(2000 + int(digits), shown.month(), 1)
        field.setDate(first.addDays(min(shown.day(), first.daysInMonth()) - 1))

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt API)
        self._moved_on, self._fresh, self._year_digits = False, True, ""
        super().focusInEvent(event)  # type: ignore[misc]

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt API)
        self._two_digit_year()
        super().focusOutEvent(event)  # type: ignore[misc]

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        """A click in the text puts the cursor in a section: a digit typed then replaces it."""
        super().mouseReleaseEvent(event)  # type: ignore[misc]
        self._moved_on, self._fresh = False, True


class DayEdit(_TypedSections, QDateEdit):
    """A day, typed as 15/12/2026 or picked from the calendar."""


class MomentEdit(_TypedSections, QDateTimeEdit):
    """A day and a time, typed as 15/12/2026 14:30 or the day picked from the calendar."""


def day_edit(day: dt.date, name: str, parent: QWidget | None = None) -> DayEdit:
    edit = DayEdit(QDate(day.year, day.month, day.day), parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DAY_FORMAT)
    edit.setAccessibleName(name)
    edit.setToolTip("Type the date as day/month/year (e.g. 05/01/2027), or pick it from the calendar")
    return edit


def moment_edit(moment: dt.datetime, name: str, parent: QWidget | None = None) -> MomentEdit:
    """``moment`` shown in local time."""
    local = moment.astimezone()
    edit = MomentEdit(QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute)), parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(MOMENT_FORMAT)
    edit.setAccessibleName(name)
    edit.setToolTip("Type the date and time as day/month/year hours:minutes (e.g. 05/01/2027 14:30)")
    return edit
