"""The forms that manage the register: add or edit a provider (service type with Section 5's three
parent and child kinds and bespoke packages, contract route and framework, the Section 3 tier and
an override with its reason, the lead commissioner of Figure 4), its settings, contacts by role and
the elements of a bespoke package; "monitored by us" with its reason; merge a duplicate; and the
lead commissioners themselves (Figure 4, as data).

Each is a thin form over one ``workspace.providers`` call (``RecordDialog``): a refusal is one
sentence naming the field, shown in the form, which stays open with everything typed. An edit form
remembers what it showed (the record's ``seen``) and sends only the fields the officer changed,
written over that: a change another officer made meanwhile is kept beside it as a conflict.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QWidget,
)

from qa_desktop.domain.contacts import ContactRole
from qa_desktop.domain.regulation import ContractRoute, Judgement, Regulator
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.tiers import Tier
from qa_desktop.ui.oversight_dialogs import RecordDialog
from qa_desktop.workspace import Workspace
from qa_desktop.workspace.providers import CommissionerLine, ContactLine, ElementLine, ProviderRecord, SettingRecord

#: What "not set" reads as in a combo box.
NOT_SET = "(not set)"


def _line(name: str, text: str | None = "", placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(text or "", placeholderText=placeholder)
    edit.setAccessibleName(name)
    return edit


def _notes(name: str, text: str | None = "", lines: int = 3) -> QPlainTextEdit:
    edit = QPlainTextEdit(text or "")
    edit.setAccessibleName(name)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(edit.fontMetrics().height() * (lines + 1))
    return edit


def _choice(name: str, members: list[Any], current: Any = None, *, blank: str | None = NOT_SET,
            label: Callable[[Any], str] = lambda m: m.label) -> QComboBox:
    """A combo box of enum members (Qt hands a StrEnum back as its text, so items carry the value)."""
    combo = QComboBox()
    combo.setAccessibleName(name)
    if blank is not None:
        combo.addItem(blank, None)
    for member in members:
        combo.addItem(label(member), member.value)
    if current is not None:
        combo.setCurrentIndex(combo.findData(current.value))
    return combo


def _value(combo: QComboBox, kind: Any) -> Any:
    data = combo.currentData()
    return kind(data) if data is not None else None


def service_type_combo(current: ServiceType | None = None, *, blank: str | None = None,
                       name: str = "Service type") -> QComboBox:
    return _choice(name, list(ServiceType), current, blank=blank)


def _changed(shown: Mapping[str, Any], typed: Mapping[str, Any]) -> dict[str, Any]:
    """Only the fields the officer changed (blank text and "not set" are the same)."""
    return {k: v for k, v in typed.items() if (shown.get(k) or None) != (v or None)}


class ProviderDialog(RecordDialog):
    """Add a provider typed in (``record`` None), or edit one."""

    def __init__(self, workspace: Workspace, record: ProviderRecord | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"Edit {record.name}" if record else "Add a provider", parent)
        self.workspace, self.record = workspace, record
        r = record
        self.name = _line("Name", r.name if r else "")
        self.service_type = service_type_combo(r.service_type if r else None, blank=None if r else "(choose)")
        self.organisation = _line("Owned by", r.organisation if r else "")
        self.urn = _line("URN", r.urn if r else "", "Ofsted URN, e.g. SC123456 (blank if not registered)")
        self.regulator = _choice("Regulator", list(Regulator), r.regulator if r else None)
        self.judgement = _choice("Latest judgement", list(Judgement), r.judgement if r else None)
        self.route = _choice("Contract route", list(ContractRoute), r.contract_route if r else None)
        self.framework = _line("Framework", r.framework_name if r else "", "e.g. CRC Residential Framework")
        self.commissioner = QComboBox()
        self.commissioner.setAccessibleName("Lead commissioner")
        self.commissioner.addItem("As Figure 4 says for its type and route", None)
        for line in workspace.providers.commissioners():
            self.commissioner.addItem(f"{line.name} ({line.covers_words})", line.id)
        if r and r.lead_commissioner_id:
            self.commissioner.setCurrentIndex(max(0, self.commissioner.findData(r.lead_commissioner_id)))
        derived = f"Section 3 gives {r.tier.value}" if r and r.tier else "Section 3 gives none"
        self.tier = _choice("Tier set by hand", list(Tier), r.tier_override if r else None,
                            blank=f"As Section 3 says ({derived})", label=lambda t: f"Tier {t.value}")
        self.tier_reason = _line("Why the tier is set by hand", r.tier_override_reason if r else "")
        self.places = _line("Places", str(r.capacity) if r and r.capacity is not None else "")
        self.notes = _notes("Notes", r.notes if r else "")
        self.form.addRow("&Name:", self.name)
        self.form.addRow("Service &type:", self.service_type)
        self.form.addRow("&Owned by:", self.organisation)
        self.form.addRow("&URN:", self.urn)
        self.form.addRow("Re&gulator:", self.regulator)
        self.form.addRow("&Judgement:", self.judgement)
        self.form.addRow("Contract &route:", self.route)
        self.form.addRow("&Framework:", self.framework)
        self.form.addRow("Lead &commissioner (Figure 4):", self.commissioner)
        self.form.addRow("T&ier:", self.tier)
        self.form.addRow("Tier r&eason:", self.tier_reason)
        self.form.addRow("&Places:", self.places)
        self.form.addRow("N&otes:", self.notes)
        if r is None:
            self.town = _line("Town")
            self.postcode = _line("Postcode")
            self.monitored = _line("Monitored because", "", "why the council monitors it (blank: not monitored)")
            self.form.addRow("To&wn:", self.town)
            self.form.addRow("Postco&de:", self.postcode)
            self.form.addRow("&Monitored by us:", self.monitored)
        hint = QLabel("A contract route marks the provider monitored by us. Parent and child provision comes in "
                      "Section 5's three kinds; a bespoke package is monitored by its elements (Section 9).")
        hint.setWordWrap(True)
        self.form.addRow(hint)
        self.tier.currentIndexChanged.connect(self._tier_changed)
        self._tier_changed()

    def _tier_changed(self) -> None:
        self.tier_reason.setEnabled(self.tier.currentData() is not None)

    def typed(self) -> dict[str, Any]:
        return {"name": self.name.text(), "service_type": _value(self.service_type, ServiceType),
                "organisation": self.organisation.text(), "urn": self.urn.text(),
                "regulator": _value(self.regulator, Regulator), "judgement": _value(self.judgement, Judgement),
                "contract_route": _value(self.route, ContractRoute), "framework_name": self.framework.text(),
                "lead_commissioner_id": self.commissioner.currentData(),
                "tier_override": _value(self.tier, Tier),
                "tier_override_reason": self.tier_reason.text() if self.tier.currentData() else None,
                "capacity": self.places.text().strip() or None, "notes": self.notes.toPlainText()}

    def save(self) -> str:
        typed = self.typed()
        if self.record is None:
            service_type = typed.pop("service_type")
            if service_type is None:
                raise ValueError("Service type: choose the provider's service type.")
            setting = {"town": self.town.text(), "postcode": self.postcode.text()}
            return self.workspace.providers.add(name=typed.pop("name"), service_type=service_type,
                                                setting={k: v for k, v in setting.items() if v.strip()},
                                                monitored_reason=self.monitored.text() or None,
                                                **{k: v for k, v in typed.items() if v not in (None, "")}).value
        shown = {name: self.record.value(name) for name in typed}
        shown["capacity"] = str(self.record.capacity) if self.record.capacity is not None else None
        self.workspace.providers.edit(self.record.id, _changed(shown, typed), self.record.seen)
        return self.record.id


class MonitoredDialog(RecordDialog):
    """Monitored by us, or no longer, by hand, with the reason."""

    def __init__(self, workspace: Workspace, record: ProviderRecord, parent: QWidget | None = None) -> None:
        super().__init__(f"Monitored by us: {record.name}", parent)
        self.workspace, self.record = workspace, record
        now = (f"Monitored by us since {record.monitored_on:%d %b %Y}, by {record.monitored_by.label}: "
               f"{record.monitored_reason}" if record.monitored and record.monitored_on and record.monitored_by
               else "Not monitored by us" + (f": {record.monitored_reason}" if record.monitored_reason else ""))
        state = QLabel(now)
        state.setWordWrap(True)
        self.monitored = QCheckBox("&Monitored by us (what is due, the dashboard and the oversight lists show it)")
        self.monitored.setChecked(not record.monitored)  # the form is for changing it
        self.reason = _line("Reason", "", "why, e.g. 'spot placements from January' or 'contract ended'")
        self.form.addRow(state)
        self.form.addRow(self.monitored)
        self.form.addRow("&Reason:", self.reason)

    def save(self) -> None:
        self.workspace.providers.set_monitored(self.record.id, self.monitored.isChecked(), self.reason.text())


class MergeDialog(RecordDialog):
    """Merge a duplicate (typed in before the Ofsted import, say) into this provider."""

    def __init__(self, workspace: Workspace, keep_id: str, keep_name: str, parent: QWidget | None = None) -> None:
        super().__init__(f"Merge a duplicate into {keep_name}", parent)
        self.workspace, self.keep_id = workspace, keep_id
        self.search = _line("Find the duplicate", "", "type words of its name, its URN or postcode")
        self.matches = QListWidget()
        self.matches.setAccessibleName("Duplicates found")
        self.reason = _line("Reason", "", "why they are one provider")
        self.form.addRow("&Find:", self.search)
        self.form.addRow("&Duplicate:", self.matches)
        self.form.addRow("&Reason:", self.reason)
        note = QLabel(f"Its settings (with their visits and placements), contacts, cases, plans, embargoes, alerts "
                      f"and reviews move to {keep_name}; it is then removed from the register.")
        note.setWordWrap(True)
        self.form.addRow(note)
        self.search.textChanged.connect(self._find)

    def _find(self) -> None:
        self.matches.clear()
        if len(self.search.text().strip()) < 2:
            return
        for row in self.workspace.register.search(self.search.text(), limit=30):
            if row.id == self.keep_id:
                continue
            item = QListWidgetItem(f"{row.name} · {row.urn or 'no URN'} · {row.postcodes}")
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.matches.addItem(item)
        if self.matches.count():
            self.matches.setCurrentRow(0)

    def save(self) -> None:
        item = self.matches.currentItem()
        if item is None:
            raise ValueError("Duplicate: find and choose the provider to merge in.")
        self.workspace.providers.merge(self.keep_id, item.data(Qt.ItemDataRole.UserRole), self.reason.text())


class SettingDialog(RecordDialog):
    """Add a setting to a provider (``record`` None), or edit one."""

    FIELDS = (("name", "&Name"), ("address_line1", "Address &1"), ("address_line2", "Address &2"),
              ("town", "&Town"), ("county", "C&ounty"), ("postcode", "&Postcode"), ("capacity", "P&laces"))

    def __init__(self, workspace: Workspace, provider_id: str, record: SettingRecord | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"Edit {record.name}" if record else "Add a setting", parent)
        self.workspace, self.provider_id, self.record = workspace, provider_id, record
        self.edits: dict[str, QLineEdit] = {}
        for name, label in self.FIELDS:
            value = getattr(record, name) if record else ""
            self.edits[name] = _line(label.replace("&", ""), str(value) if value is not None else "")
            self.form.addRow(f"{label}:", self.edits[name])
        self.notes = _notes("Notes", record.notes if record else "")
        self.form.addRow("No&tes:", self.notes)

    def save(self) -> str:
        typed: dict[str, Any] = {name: edit.text() for name, edit in self.edits.items()}
        typed["capacity"] = typed["capacity"].strip() or None
        typed["notes"] = self.notes.toPlainText()
        if self.record is None:
            return self.workspace.providers.add_setting(self.provider_id,
                                                        {k: v for k, v in typed.items() if v}).value
        shown = {name: getattr(self.record, name) for name in typed}
        shown["capacity"] = str(self.record.capacity) if self.record.capacity is not None else None
        self.workspace.providers.edit_setting(self.record.id, _changed(shown, typed), self.record.seen)
        return self.record.id


class ContactDialog(RecordDialog):
    """Add a contact (with the part they play: reports are distributed by it), or edit one."""

    def __init__(self, workspace: Workspace, provider_id: str, settings: list[tuple[str, str]],
                 record: ContactLine | None = None, parent: QWidget | None = None) -> None:
        super().__init__(f"Edit {record.name}" if record else "Add a contact", parent)
        self.workspace, self.provider_id, self.record = workspace, provider_id, record
        self.name = _line("Name", record.name if record else "")
        self.kind = _choice("Role", list(ContactRole), record.kind if record else None, blank="(choose the role)")
        self.job = _line("Job title", record.role if record else "")
        self.organisation = _line("Organisation", record.organisation if record else "")
        self.phone = _line("Phone", record.phone if record else "")
        self.email = _line("Email", record.email if record else "")
        self.setting = QComboBox()
        self.setting.setAccessibleName("Setting")
        self.setting.addItem("The whole provider", None)
        for setting_id, name in settings:
            self.setting.addItem(name, setting_id)
        if record and record.setting_id:
            self.setting.setCurrentIndex(max(0, self.setting.findData(record.setting_id)))
        for label, widget in (("&Name", self.name), ("&Role", self.kind), ("&Job title", self.job),
                              ("&Organisation", self.organisation), ("&Phone", self.phone), ("&Email", self.email),
                              ("&Setting", self.setting)):
            self.form.addRow(f"{label}:", widget)

    def save(self) -> str:
        typed = {"name": self.name.text(), "kind": _value(self.kind, ContactRole), "role": self.job.text(),
                 "organisation": self.organisation.text(), "phone": self.phone.text(), "email": self.email.text(),
                 "setting_id": self.setting.currentData()}
        if self.record is None:
            name, kind = typed.pop("name"), typed.pop("kind")
            return self.workspace.providers.add_contact(self.provider_id, name=name, kind=kind,
                                                        **{k: v for k, v in typed.items() if v}).value
        shown = {"name": self.record.name, "kind": self.record.kind, "role": self.record.role,
                 "organisation": self.record.organisation, "phone": self.record.phone, "email": self.record.email,
                 "setting_id": self.record.setting_id}
        self.workspace.providers.edit_contact(self.record.id, _changed(shown, typed), self.record.seen)
        return self.record.id


class ElementDialog(RecordDialog):
    """Add an element to a bespoke package: its own service type, and where it is delivered."""

    def __init__(self, workspace: Workspace, provider_id: str, settings: list[tuple[str, str]],
                 record: ElementLine | None = None, parent: QWidget | None = None) -> None:
        super().__init__(f"Edit {record.name}" if record else "Add an element to the package", parent)
        self.workspace, self.provider_id, self.record = workspace, provider_id, record
        self.name = _line("Element", record.name if record else "", "e.g. Floating support, 15 hours a week")
        self.service_type = service_type_combo(record.service_type if record else None, blank="(choose)",
                                               name="Element's service type")
        self.setting = QComboBox()
        self.setting.setAccessibleName("Delivered at")
        self.setting.addItem("Not at one of the package's settings", None)
        for setting_id, name in settings:
            self.setting.addItem(name, setting_id)
        if record and record.setting_id:
            self.setting.setCurrentIndex(max(0, self.setting.findData(record.setting_id)))
        self.delivered_by = _line("Delivered by", record.delivered_by if record else "")
        self.form.addRow("&Element:", self.name)
        self.form.addRow("Service &type:", self.service_type)
        self.form.addRow("Delivered &at:", self.setting)
        self.form.addRow("Delivered &by:", self.delivered_by)
        hint = QLabel("Each element is reviewed and visited by its own service type's schedule (Section 9).")
        hint.setWordWrap(True)
        self.form.addRow(hint)

    def save(self) -> str:
        typed = {"name": self.name.text(), "service_type": _value(self.service_type, ServiceType),
                 "setting_id": self.setting.currentData(), "delivered_by": self.delivered_by.text()}
        if self.record is None:
            name, service_type = typed.pop("name"), typed.pop("service_type")
            return self.workspace.providers.add_element(self.provider_id, name=name, service_type=service_type,
                                                        **{k: v for k, v in typed.items() if v}).value
        shown = {"name": self.record.name, "service_type": self.record.service_type,
                 "setting_id": self.record.setting_id, "delivered_by": self.record.delivered_by}
        self.workspace.providers.edit_element(self.record.id, _changed(shown, typed))
        return self.record.id


class CommissionerDialog(RecordDialog):
    """A lead commissioner and what they lead on (a row of Figure 4)."""

    def __init__(self, workspace: Workspace, record: CommissionerLine | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"Edit {record.name}" if record else "Add a lead commissioner (Figure 4)", parent)
        self.workspace, self.record = workspace, record
        self.name = _line("Name", record.name if record else "")
        self.email = _line("Email", record.email if record else "")
        self.organisation = _line("Organisation", record.organisation if record else "")
        self.responsibility = _line("Responsibility", record.responsibility if record else "")
        self.types = QListWidget()
        self.types.setAccessibleName("Service types led on")
        for service_type in ServiceType:
            item = QListWidgetItem(service_type.label)
            item.setData(Qt.ItemDataRole.UserRole, service_type.value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if record and service_type in record.service_types
                               else Qt.CheckState.Unchecked)
            self.types.addItem(item)
        self.routes: dict[ContractRoute, QCheckBox] = {}
        for route in ContractRoute:
            box = QCheckBox(route.label)
            box.setChecked(bool(record and route in record.contract_routes))
            self.routes[route] = box
        self.form.addRow("&Name:", self.name)
        self.form.addRow("&Email:", self.email)
        self.form.addRow("&Organisation:", self.organisation)
        self.form.addRow("&Responsibility:", self.responsibility)
        longest = max(self.types.fontMetrics().horizontalAdvance(t.label) for t in ServiceType)
        self.types.setMinimumWidth(longest + 48)  # every label whole, with its box and the scroll bar
        self.types.setMinimumHeight(self.types.fontMetrics().height() * 8)
        self.form.addRow("Leads on (service &types):", self.types)
        routes = QHBoxLayout()
        for box in self.routes.values():
            routes.addWidget(box)
        routes.addStretch(1)
        self.form.addRow("Only routes:", routes)
        note = QLabel("No route ticked: every route (Figure 4's 'Framework' and 'Spot' rows differ).")
        note.setWordWrap(True)
        self.form.addRow(note)

    def save(self) -> str:
        types = [ServiceType(self.types.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.types.count())
                 if self.types.item(i).checkState() == Qt.CheckState.Checked]
        fields = {"email": self.email.text(), "organisation": self.organisation.text(),
                  "responsibility": self.responsibility.text(), "service_types": types,
                  "contract_routes": [r for r, box in self.routes.items() if box.isChecked()]}
        if self.record is None:
            return self.workspace.providers.add_commissioner(name=self.name.text(), **fields).value
        self.workspace.providers.edit_commissioner(self.record.id, {"name": self.name.text(), **fields})
        return self.record.id
