"""Date fields an officer can type a date into the way it is written in England: 5/1/2027,
05/01/2027, 5.1.2027 or 5-1-2027 (day, month, year), as well as pick it from the calendar.

Qt's own date field edits one section at a time and, as QA Desktop had it ("d MMM yyyy"), took
digits for the day alone: "5/1/2027" typed into a visit's date became 5 December 2026 without a
word, and a click into the day before typing made "18" of a "1" (walk6). Here the month is a
number, a separator typed moves to the next section (unless the digits before it already filled
their section and moved on, so "15/12/2026" is not "15/12/<year 12>"), and the first digit after
the field is entered (by Tab or a click) replaces the section the cursor is in.

A year typed as two digits is this century's (5/1/27 is 5 January 2027).

A day the month cannot have (31/11/2026, 29/2/2027) is refused in words (walk7: Qt cut it to the
month's last day without a word, and the visit screen saved that). Qt still cuts the day as it takes
the digits, and tells that date; but ``problem`` says what is wrong from the moment the date typed is
whole (before Qt tells the cut one), ``problem_changed`` tells the screen, and whatever reads the field
saves nothing while ``problem`` says something (the visit screen; a form's OK: ``date_problems``). Left,
the field shows what was typed, with a warning border and the problem as its tooltip, and holds its
last real date; entered again, it shows that date to type over, the problem said until a date is typed.

Qt tells every date a section typed makes (31/01/2026 on the way to 31/11/2027), so a screen that saves
as the officer goes saves on ``finished`` (Enter, or the field left for another field, not for its calendar
or another window), and after a pause only once ``typed_through`` says the year was typed in full.
The day is judged as typed, not as Qt cut it while the month shown could not have it: 29/2/2028 typed
over a date in 2026 is 29 February 2028 (it was the 28th).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QMouseEvent, QValidator
from PySide6.QtWidgets import QDateEdit, QDateTimeEdit, QWidget

from qa_desktop.ui.palette import warning_colour

#: What an officer types between a date's parts (and a time's).
SEPARATORS = frozenset("/.-: ")
DAY_FORMAT = "dd/MM/yyyy"
#: a whole day, month and year as the field's text has them (both formats begin so)
_WHOLE_DATE = re.compile(r"(\d\d?)/(\d\d?)/(\d{4})(?!\d)")
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
    #: what is wrong with the date typed, in words ("" when it is a real date, or not yet whole)
    problem = ""
    #: the date as typed that ``problem`` is about; the field's last real date (told with no problem)
    _typed = ""
    _real: QDateTime | None = None
    #: left with a problem: the field shows ``_typed`` (Qt would put its own date back)
    _holding = False
    #: the day as the officer typed it while the field is entered (Qt cuts it to the month shown)
    _want_day = 0
    #: a digit is being taken; the first text Qt checks for it is what was typed (``validate``)
    _keying = False
    _in_day = False
    _in_key = False
    _tip = ""
    #: the last key typed the year's last digit, or stepped the date (``typed_through``)
    _through = False

    @property
    def typed_through(self) -> bool:
        """Whether the date shown is one the officer has finished, as far as the keys tell: the year typed
        in full (the last section, so no part is half typed), or the date stepped (arrow keys, the wheel),
        and no ``problem``. "15/03/" typed over 05/01/2026 shows 15/03/2026 but is not through: the officer
        may be about to type 2027 (a pause saved it: the visit screen's date typed and left idle)."""
        return self._through and not self.problem

    def _told(self, moment: QDateTime) -> None:
        """Every date the field tells: one set other than by typing (picked from the calendar) is a real
        date, the problem gone; one told with no problem is what its readers took (``_real``)."""
        if self.problem and not self._in_key:
            self._holding = False
            self._say("", "")
            self._restyle()
        if not self.problem:
            self._real = moment

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        field: QDateTimeEdit = self  # type: ignore[assignment]
        text = event.text()
        plain = not event.modifiers() & ~(Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier)
        ends = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if event.key() not in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and not ends:
            self._through = False  # (a step sets it again: ``stepBy``)
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
        if text.isdigit() and plain:
            self._keying, self._in_day = True, field.currentSection() == QDateTimeEdit.Section.DaySection
        elif event.key() not in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._want_day = 0  # a day stepped or deleted is Qt's, not typed
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._day_as_typed()
        self._in_key = True
        try:
            super().keyPressEvent(event)  # type: ignore[misc]
        finally:
            self._keying = self._in_key = False
        self._year_digits = (self._year_digits + text if in_year and text.isdigit() else "") \
            if field.currentSection() == QDateTimeEdit.Section.YearSection else ""
        self._moved_on = text.isdigit() and field.currentSectionIndex() != before
        self._fresh = False
        if text.isdigit() and plain:
            self._through = field.currentSection() == QDateTimeEdit.Section.YearSection \
                and field.currentSectionIndex() == field.sectionCount() - 1 and len(self._year_digits) >= 4
        if ends:
            # Qt selects the whole text with the cursor in the year: the digits typed next went into the year
            # (01/02/2026, Enter, then 02/02/2026 typed: 01/02/2002). They start the date again, from its day.
            field.setCurrentSectionIndex(0)
            self._fresh, self._moved_on, self._year_digits = True, False, ""
            self.finished.emit()  # type: ignore[attr-defined]

    def stepBy(self, steps: int) -> None:  # noqa: N802 (Qt API)
        """Up/Down, Page Up/Down, the wheel: a whole date each step (``typed_through``)."""
        super().stepBy(steps)  # type: ignore[misc]
        self._through = True

    def validate(self, text: str, pos: int, /) -> tuple[QValidator.State, str, int]:
        """Qt's; the first text checked for a digit typed (the date as typed, before Qt cuts its day) is
        judged (``_judge``), and a date refused in words is shown as typed once the field is left."""
        if self._keying:
            self._keying = False
            self._judge(text)
        if self._holding and text == self._typed:
            return (QValidator.State.Intermediate, text, pos)
        return super().validate(text, pos)  # type: ignore[misc]

    def fixup(self, text: str, /) -> str:
        return text if self._holding and text == self._typed else super().fixup(text)  # type: ignore[misc]

    def _judge(self, text: str) -> None:
        """A whole date as typed (its day as the officer typed it): refused in words if its month cannot
        have the day, else any problem is gone."""
        whole = _WHOLE_DATE.match(text)
        if whole is None:
            return
        day, month, year = map(int, whole.groups())
        if self._in_day:
            self._want_day = day
        day = self._want_day or day
        if not 1 <= month <= 12 or year < 1:
            return
        length = calendar.monthrange(year, month)[1]
        if day > length:
            self._say(f"{day:02d}/{month:02d}/{year} is not a date: {calendar.month_name[month]} {year} has "
                      f"{length} days. Type a day it has; nothing is saved until then.",
                      f"{day:02d}/{month:02d}/{year}{text[whole.end():]}")
        else:
            self._say("", "")

    def _day_as_typed(self) -> None:
        """The day as typed where Qt cut it while the month shown could not have it (29/2/2028 typed over
        a date in 2026: Qt's 28th), told as the date it is. Read from the text: reading the field's date
        while a section is being typed redraws it (a day's "3" became "03" and the next digit was lost)."""
        field: QDateTimeEdit = self  # type: ignore[assignment]
        whole = _WHOLE_DATE.match(field.lineEdit().text()) if self._want_day and not self.problem else None
        if whole is None:
            return
        day, month, year = map(int, whole.groups())
        if day != self._want_day and 1 <= month <= 12 and self._want_day <= calendar.monthrange(year, month)[1]:
            field.setDate(QDate(year, month, self._want_day))

    def _say(self, problem: str, typed: str) -> None:
        field: QDateTimeEdit = self  # type: ignore[assignment]
        self._typed = typed
        if problem == self.problem:
            return
        if not self.problem:
            self._tip = field.toolTip()
        self.problem = problem
        field.setToolTip(problem or self._tip)  # (no restyle here: it redraws the text being typed)
        field.setAccessibleDescription(problem)
        self.problem_changed.emit(problem)  # type: ignore[attr-defined]

    def _restyle(self) -> None:
        """A warning border while the field holds a date refused in words."""
        field: QDateTimeEdit = self  # type: ignore[assignment]
        style = f"{type(field).__name__} {{ border: 2px solid {warning_colour().name()}; }}" if self.problem else ""
        if field.styleSheet() != style:
            field.setStyleSheet(style)

    def _two_digit_year(self) -> None:
        """A year typed as two digits is this century's: Qt kept the year shown (5/1/27 typed over a date
        in 2026 became 05/01/2026, and Enter saved it: review6)."""
        field: QDateTimeEdit = self  # type: ignore[assignment]
        digits, self._year_digits = self._year_digits, ""
        if len(digits) != 2:
            return
        shown = field.date()
        first = QDate(2000 + int(digits), shown.month(), 1)
        day = self._want_day or shown.day()
        if day > first.daysInMonth():  # 29/2/27: refused in words, as a whole year typed is
            self._say(f"{day:02d}/{shown.month():02d}/{first.year()} is not a date: "
                      f"{calendar.month_name[shown.month()]} {first.year()} has {first.daysInMonth()} days. Type a "
                      "day it has; nothing is saved until then.",
                      f"{day:02d}/{shown.month():02d}/{first.year()}{field.text()[len(DAY_FORMAT) - 2:]}")
            return
        self._say("", "")
        field.setDate(first.addDays(day - 1))

    def settle(self) -> None:
        """Take what is typed as the field's date, as leaving it does (a two-digit year this century's, the
        day as typed, a section part-typed read as it stands), the field not left: a screen saving before
        it closes. A date refused in words stays refused (Qt, asked to read it, would tell its cut date)."""
        self._two_digit_year()
        self._day_as_typed()
        if not self.problem:
            self.interpretText()  # type: ignore[attr-defined]

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt API)
        self._moved_on, self._fresh, self._year_digits, self._through = False, True, "", False
        if self._holding:  # typed over from the field's own date; the problem is said until a date is typed
            self._holding = False
            self.lineEdit().setText(self.textFromDateTime(self.dateTime()))  # type: ignore[attr-defined]
        if not self.problem:
            self._want_day = 0
            self._real = self.dateTime()  # type: ignore[attr-defined]  # (set by the screen, untold, perhaps)
        super().focusInEvent(event)  # type: ignore[misc]

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt API)
        self._two_digit_year()
        self._day_as_typed()
        super().focusOutEvent(event)  # type: ignore[misc]
        field: QDateTimeEdit = self  # type: ignore[assignment]
        if self.problem and event.reason() not in (Qt.FocusReason.ActiveWindowFocusReason,
                                                   Qt.FocusReason.PopupFocusReason):
            if self._real is not None and field.dateTime() != self._real:
                field.blockSignals(True)  # its last real date (the cut one Qt told was refused: ``problem``)
                field.setDateTime(self._real)
                field.blockSignals(False)
            self._holding = True
            line = field.lineEdit()
            line.blockSignals(True)  # what was typed shows, with the problem (Qt, told, puts its date back)
            line.setText(self._typed)
            line.blockSignals(False)
        self._restyle()
        if event.reason() not in (Qt.FocusReason.ActiveWindowFocusReason, Qt.FocusReason.PopupFocusReason):
            self.finished.emit()  # type: ignore[attr-defined]  # (its two-digit year and day made whole above)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        """A click in the text puts the cursor in a section: a digit typed then replaces it."""
        super().mouseReleaseEvent(event)  # type: ignore[misc]
        self._moved_on, self._fresh = False, True


class DayEdit(_TypedSections, QDateEdit):
    """A day, typed as 15/12/2026 or picked from the calendar."""

    problem_changed = Signal(str)  # what is wrong with the date typed, in words ("": a date again)
    #: the officer has finished typing: Enter, or the field left (not for its calendar or another window)
    finished = Signal()

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.dateTimeChanged.connect(self._told)


class MomentEdit(_TypedSections, QDateTimeEdit):
    """A day and a time, typed as 15/12/2026 14:30 or the day picked from the calendar."""

    problem_changed = Signal(str)
    finished = Signal()

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.dateTimeChanged.connect(self._told)


def date_problems(form: QWidget) -> list[tuple[QWidget, str]]:
    """The date fields of ``form`` holding a day their month cannot have, with the problem in words:
    a form's OK refuses to save while any does."""
    return [(field, field.problem) for field in form.findChildren(QDateTimeEdit)
            if isinstance(field, _TypedSections) and field.problem and field.isVisibleTo(form)]


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
