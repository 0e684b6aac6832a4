"""The tracker's forms: one dialog laid out from a list of fields (a meeting, a funding request, a
planning application, a Young Inspector ...), each saved through one workspace call.

Like every form of the window (``oversight_dialogs.RecordDialog``), what the service refuses is said
in the dialog in one sentence naming the field, and the dialog stays open with everything typed: a
refused save loses nothing. A provider is chosen by typing its name or URN (the register's own
search offers the matches), never from a list of 20,000.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QStringListModel, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from qa_desktop.ui.oversight_dialogs import RecordDialog
from qa_desktop.ui.typed_dates import day_edit
from qa_desktop.workspace import Workspace


@dataclass(frozen=True)
class Field:
    """One field of a form. ``kind``: text, lines (several lines), date, optional_date, choice,
    provider, money (pounds), check, names (separated by commas)."""

    name: str
    label: str
    kind: str = "text"
    choices: Sequence[tuple[str, Any]] = ()
    default: Any = None
    hint: str = ""
    options: dict[str, Any] = field(default_factory=dict)


def enum_choices(members: Sequence[enum.Enum], *, none: str | None = None) -> list[tuple[str, Any]]:
    """(label, member) pairs for a choice field (``none``: a first choice that means "not given")."""
    found: list[tuple[str, Any]] = [(none, None)] if none else []
    return found + [(getattr(m, "label", str(m.value)), m) for m in members]


class ProviderField(QLineEdit):
    """Type a provider's name or URN; the register's search offers matches as you type."""

    def __init__(self, workspace: Workspace, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setAccessibleName(name)
        self.setPlaceholderText("type the provider's name or URN")
        self._ids: dict[str, str] = {}
        self._model = QStringListModel(self)
        completer = QCompleter(self._model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCompleter(completer)
        self._timer = QTimer(self, singleShot=True, interval=150)
        self._timer.timeout.connect(self._search)
        self.textEdited.connect(lambda _: self._timer.start())

    def _search(self) -> None:
        rows = self.workspace.register.search(self.text(), limit=20) if self.text().strip() else []
        self._ids = {f"{r.name} ({r.urn})" if r.urn else r.name: r.id for r in rows}
        self._model.setStringList(list(self._ids))

    def set_provider(self, provider_id: str, words: str) -> None:
        self._ids[words] = provider_id
        self.setText(words)

    def provider_id(self) -> str | None:
        """The provider chosen, or None when nothing is typed; ``ValueError`` in words when what is
        typed is not one provider of the register."""
        typed = self.text().strip()
        if not typed:
            return None
        if typed in self._ids:
            return self._ids[typed]
        return self.workspace.register.resolve(typed)


class FieldsDialog(RecordDialog):
    """A form of ``fields``; OK calls ``save(values)`` (values by field name) and closes only when
    the service accepted them. ``saved`` holds what ``save`` returned."""

    def __init__(self, workspace: Workspace, title: str, fields: Sequence[Field],
                 save: Callable[[dict[str, Any]], Any], parent: QWidget | None = None, note: str = "") -> None:
        super().__init__(title, parent)
        self.workspace = workspace
        self._save = save
        self.saved: Any = None
        self.widgets: dict[str, QWidget] = {}
        self.kinds: dict[str, str] = {}
        today = workspace.clock.today()
        for spec in fields:
            widget = self._widget(spec, today)
            widget.setAccessibleName(spec.label.replace("&", ""))
            if spec.hint:
                widget.setToolTip(spec.hint)
            self.widgets[spec.name], self.kinds[spec.name] = widget, spec.kind
            if spec.kind == "check":
                self.form.addRow(widget)
            else:
                self.form.addRow(f"{spec.label}:", widget)
        if note:
            words = QLabel(note)
            words.setWordWrap(True)
            self.form.addRow(words)
        self.resize(560, self.sizeHint().height())

    def _widget(self, spec: Field, today: dt.date) -> QWidget:
        if spec.kind == "lines":
            edit = QPlainTextEdit(spec.default or "")
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(edit.fontMetrics().height() * (spec.options.get("lines", 3) + 1))
            return edit
        if spec.kind in ("date", "optional_date"):
            if spec.kind == "optional_date":
                box = QCheckBox(spec.options.get("check", "Done on"))
                box.setChecked(spec.default is not None)
                date_edit = self._date(spec.default or today)
                date_edit.setEnabled(box.isChecked())
                box.toggled.connect(date_edit.setEnabled)
                holder = QWidget()
                row = QHBoxLayout(holder)
                row.setContentsMargins(0, 0, 0, 0)
                row.addWidget(box)
                row.addWidget(date_edit, 1)
                holder.setProperty("check", box)
                holder.setProperty("date", date_edit)
                return holder
            return self._date(spec.default or today)
        if spec.kind == "choice":
            combo = QComboBox()
            for label, value in spec.choices:
                combo.addItem(label, value)
            if spec.default is not None:
                combo.setCurrentIndex(max(0, [v for _, v in spec.choices].index(spec.default)))
            return combo
        if spec.kind == "provider":
            provider = ProviderField(self.workspace, spec.label)
            if spec.default:
                provider.set_provider(*spec.default)
            return provider
        if spec.kind == "money":
            money = QDoubleSpinBox()
            money.setPrefix("£")
            money.setMaximum(100000)
            money.setValue(spec.default or 0)
            return money
        if spec.kind == "check":
            check = QCheckBox(spec.label)
            check.setChecked(bool(spec.default))
            return check
        line = QLineEdit(spec.default or "")
        line.setPlaceholderText(spec.hint)
        return line

    @staticmethod
    def _date(day: dt.date) -> QDateEdit:
        return day_edit(day, "Date")  # typed as 15/12/2026 or picked (``ui.typed_dates``)

    def values(self) -> dict[str, Any]:
        """What the form holds, by field: text stripped (None when blank), dates as dates, a provider
        as its id (``ValueError`` in words when the typed name is not one provider)."""
        found: dict[str, Any] = {}
        for name, widget in self.widgets.items():
            kind = self.kinds[name]
            if isinstance(widget, ProviderField):
                found[name] = widget.provider_id()
            elif isinstance(widget, QPlainTextEdit):
                found[name] = widget.toPlainText().strip() or None
            elif isinstance(widget, QDateEdit):
                found[name] = _day(widget)
            elif kind == "optional_date":
                box, date_edit = widget.property("check"), widget.property("date")
                found[name] = _day(date_edit) if box.isChecked() else None
            elif isinstance(widget, QComboBox):
                found[name] = widget.currentData()
            elif isinstance(widget, QDoubleSpinBox):
                found[name] = round(widget.value() * 100) if widget.value() else None
            elif isinstance(widget, QCheckBox):
                found[name] = widget.isChecked()
            elif isinstance(widget, QLineEdit):
                text = widget.text().strip()
                found[name] = ([n.strip() for n in text.split(",") if n.strip()] if kind == "names"
                               else text or None)
        return found

    def save(self) -> str | None:
        """Called by OK (``RecordDialog.accept``): a refusal is shown and the dialog stays open."""
        self.saved = self._save(self.values())
        return self.saved if isinstance(self.saved, str) else None


def _day(edit: QDateEdit) -> dt.date:
    chosen = edit.date()
    return dt.date(chosen.year(), chosen.month(), chosen.day())
