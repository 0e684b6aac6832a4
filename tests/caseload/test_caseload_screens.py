"""The caseload in the window (issue 16), driven with real widgets (pytest-qt), keyboard and mouse, on
a register imported from Ofsted's file: providers added and edited, monitored by us, placements,
compliance reviews filled in and completed, visits planned with their invitation, a concern that
offers an unannounced visit, a case closed. Each refusal stays in the form with what was typed."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox

from qa_desktop.domain.compliance import DocumentStatus, ReviewScope
from qa_desktop.domain.contacts import ContactRole
from qa_desktop.domain.schedule import DueKind
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.ui.caseload_dialogs import CloseCaseDialog, PlacementDialog, PlanVisitDialog, StartReviewDialog
from qa_desktop.ui.change_hub import ChangeHub
from qa_desktop.ui.main_window import MainWindow
from qa_desktop.ui.oversight_dialogs import CaseDialog
from qa_desktop.ui.oversight_window import OversightWindow
from qa_desktop.ui.provider_forms import ContactDialog, ElementDialog, MonitoredDialog, ProviderDialog
from qa_desktop.ui.review_window import ReviewWindow
from qa_desktop.ui.visits_window import VisitsWindow
from tests.conftest import TODAY


@pytest.fixture
def hub(qtbot, ws):
    made = ChangeHub(ws, poll_ms=0)
    yield made
    made.close()


@pytest.fixture
def window(qtbot, ws, hub, tmp_path):
    made = MainWindow(ws, hub, QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(made)
    made.show()
    return made


@pytest.fixture
def messages(monkeypatch):
    shown: list[tuple[str, str]] = []
    for kind in ("warning", "information"):
        monkeypatch.setattr(QMessageBox, kind, lambda parent, title, text, *a: shown.append((title, text)))
    return shown


def choose(window, name):
    """Select a provider in the register by name."""
    window.search.setText(name)
    window.refresh()
    window.table.setCurrentIndex(window.proxy.index(0, 0))
    assert window.panel.overview is not None and window.panel.overview.name == name
    return window.panel


def test_a_provider_added_in_the_window_keeps_what_was_typed_when_refused(qtbot, window, ws):
    dialog = window.add_provider()
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.urn, "SC800001")
    dialog.service_type.setCurrentIndex(dialog.service_type.findData(ServiceType.UNREGULATED.value))
    qtbot.keyClicks(dialog.town, "Strood")
    dialog.accept()
    assert dialog.isVisible() and dialog.error.text() == "Name: a provider needs a name."
    qtbot.keyClicks(dialog.name, "Lantern House")
    dialog.accept()
    assert dialog.error.text().startswith("URN: SC800001 is already in the register (Maple Lodge)")
    assert dialog.town.text() == "Strood" and dialog.name.text() == "Lantern House"  # kept
    dialog.urn.clear()
    qtbot.keyClicks(dialog.monitored, "Unregistered; Ofsted notified")
    dialog.accept()
    assert not dialog.isVisible()
    assert window.panel.overview.name == "Lantern House"  # selected when added
    facts = dict(window.panel.overview.facts)
    assert facts["Monitored by us"].startswith("Yes since 22 Nov 2026, by an officer: Unregistered")


def test_editing_a_provider_gives_it_a_contract_and_marks_it_monitored(qtbot, window, ws):
    panel = choose(window, "Harbour View")
    assert panel.monitored_button.text() == "&Monitored by us: no…"
    dialog = panel.edit_provider()
    qtbot.addWidget(dialog)
    dialog.route.setCurrentIndex(dialog.route.findText("Framework"))
    dialog.tier.setCurrentIndex(dialog.tier.findText("Tier A"))
    dialog.accept()
    assert dialog.error.text().startswith("Tier reason: say why the tier is set by hand")
    qtbot.keyClicks(dialog.tier_reason, "Consortium decision, March")
    dialog.accept()
    assert not dialog.isVisible()
    window.hub.catch_up()
    assert panel.monitored_button.text() == "&Monitored by us: yes…"
    facts = dict(panel.overview.facts)
    assert facts["Framework tier"] == "A (set by hand: Consortium decision, March; Section 3 gives B)"
    row = next(r for r in window.model.rows if r.name == "Harbour View")
    assert row.monitored and row.tier.value == "A"
    window.monitored_filter.setCurrentIndex(window.monitored_filter.findText("Monitored by us"))
    assert [window.model.row_at(n).name for n in window.proxy.source_rows()] == ["Harbour View"]


def test_monitored_by_hand_needs_the_reason(qtbot, window, ws):
    panel = choose(window, "Oak Cottage")
    dialog = panel.change_monitored()
    qtbot.addWidget(dialog)
    assert isinstance(dialog, MonitoredDialog) and dialog.monitored.isChecked()
    dialog.accept()
    assert dialog.error.text() == "Reason: say why the provider is monitored."
    qtbot.keyClicks(dialog.reason, "Spot placements from January")
    dialog.accept()
    window.hub.catch_up()
    assert panel.overview.monitored and ws.providers.provider(panel.overview.id).monitored_reason == \
        "Spot placements from January"


def test_a_placement_recorded_in_the_window_makes_the_48_hour_review_due(qtbot, window, ws):
    panel = choose(window, "Kindred Fostering")
    dialog = panel.record_placement()
    qtbot.addWidget(dialog)
    assert isinstance(dialog, PlacementDialog)
    qtbot.keyClicks(dialog.reference, "PL-2041")
    dialog.ended.setChecked(True)
    dialog.end.setDateTime(dialog.start.dateTime().addDays(-1))
    dialog.accept()
    assert dialog.isVisible() and dialog.error.text().startswith("End: the placement cannot end")
    assert dialog.reference.text() == "PL-2041"
    dialog.ended.setChecked(False)
    dialog.accept()
    assert not dialog.isVisible()
    window.hub.catch_up()
    assert panel.tabs.tabText(panel.tab_index["placements"]) == "Placements (1 now)"
    [review] = [i for i in panel.overview.due if i.due.kind is DueKind.REVIEW]
    assert review.due.due_on == TODAY + dt.timedelta(days=2) and "24-48 hours" in review.due.reason
    assert [r.name for r in window.model.rows if r.monitored] == ["Kindred Fostering"]


def test_a_review_filled_in_on_screen_and_completed(qtbot, window, ws, messages):
    panel = choose(window, "Stepping Stones")
    start = panel.start_review(ReviewScope.FULL)
    qtbot.addWidget(start)
    assert isinstance(start, StartReviewDialog)
    start.accept()
    [review_window] = window.review_windows
    qtbot.addWidget(review_window)
    assert isinstance(review_window, ReviewWindow)
    assert review_window.title.text() == "Stepping Stones · Compliance review: Supported Accommodation"
    insurance = review_window.rows["doc_insurance_documents"]
    qtbot.mouseClick(insurance.buttons[DocumentStatus.SEEN], Qt.MouseButton.LeftButton)
    assert insurance.error.text() == "Insurance Documents: give the date of the document seen (dd/mm/yyyy)."
    qtbot.keyClicks(insurance.dated, "31/02/2026")
    insurance.dated.editingFinished.emit()
    assert insurance.error.text() == "Insurance Documents: the date '31/02/2026' is not a date (dd/mm/yyyy)."
    assert insurance.dated.text() == "31/02/2026"  # what was typed stays
    insurance.dated.setText("01/10/2026")
    qtbot.keyClicks(insurance.expires, "30/11/2026")
    insurance.expires.editingFinished.emit()
    assert insurance.error.isHidden() and review_window.state.text() == "All changes saved"
    assert review_window.complete() is False
    assert review_window.problem.text().startswith("Mark each document as seen, not seen or not applicable before "
                                                   "completing the review: Statement of Purpose, Gas and Electric "
                                                   "Certificate, Locality Risk Assessment and 7 more.")
    for key, row in review_window.rows.items():
        if not row.item.is_document:
            row.text.setPlainText("All in order.")
            row._text_timer.stop()
            review_window._save(row, "text")
        elif key != "doc_insurance_documents":
            button = DocumentStatus.NOT_APPLICABLE if "video" in key else DocumentStatus.SEEN
            if button is DocumentStatus.SEEN:
                row.dated.setText("01/09/2026")
            qtbot.mouseClick(row.buttons[button], Qt.MouseButton.LeftButton)
    assert review_window.complete() is True
    assert "Completed" in review_window.state.text() and not review_window.complete_button.isEnabled()
    assert insurance.dated.isReadOnly()
    window.hub.catch_up()
    items = {i.due.kind: i for i in panel.overview.due}
    assert items[DueKind.DOCUMENT].due.reason == "Insurance Documents expires 30/11/2026: ask for the renewal first"


def test_a_concern_offers_an_unannounced_visit_planned_with_two_officers(qtbot, window, ws, monkeypatch, tmp_path,
                                                                         messages):
    panel = choose(window, "Maple Lodge")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    case = panel.record(CaseDialog)
    qtbot.addWidget(case)
    qtbot.keyClicks(case.category, "Allegation")
    qtbot.keyClicks(case.summary, "Allegation against a member of staff")
    case.significant.setChecked(True)
    plans: list[PlanVisitDialog] = []
    monkeypatch.setattr(panel, "plan_visit", lambda **k: plans.append(
        PlanVisitDialog(ws, panel.overview.id, parent=panel, unannounced=k.get("unannounced", False))) or plans[-1])
    case.accept()
    [plan] = plans
    qtbot.addWidget(plan)
    assert plan.unannounced.isChecked() and plan.level.currentText() == "Assurance/Monitoring"
    plan.accept()
    assert plan.error.text() == "An unannounced visit needs two officers named, for staff safety (Section 11)."
    qtbot.keyClicks(plan.officer_two, "Jo Morgan")
    plan.time.setText("9.30")
    plan.accept()
    assert plan.error.text() == "Start time: '9.30' is not a time of day (HH:MM, e.g. 09:30)."
    plan.time.setText("09:30")
    plan.accept()
    assert not plan.isVisible()
    window.hub.catch_up()
    panel.tabs.setCurrentIndex(panel.tab_index["visits"])
    [visit] = panel.overview.visits
    assert visit.status == "Planned" and not visit.announced
    visits = window.show_visits()
    qtbot.addWidget(visits)
    assert isinstance(visits, VisitsWindow)
    visits.tabs.setCurrentIndex(1)
    visits.all_view.setCurrentIndex(visits.all_view.model().index(0, 0))
    saved = visits.save_invitation(str(tmp_path / "visit.ics"))
    assert saved is not None and saved.read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")
    opened: list[str] = []
    visits.open_visit.disconnect()
    visits.open_visit.connect(opened.append)
    assert visits.begin() == opened[0]


def test_my_visits_lists_the_laptop_users_visits(qtbot, ws, hub):
    ws.admin.set_user("Alex Patel")
    setting = ws.register.page(ws.register.resolve("SC800001")).settings[0].id
    from qa_desktop.domain.visits import VisitLevel, VisitReason

    ws.planning.plan(setting_id=setting, visit_date=TODAY + dt.timedelta(days=2), level=VisitLevel.FULL,
                     announced=True, officers=["Alex Patel"], reason=VisitReason.ROUTINE)
    ws.planning.plan(setting_id=setting, visit_date=TODAY + dt.timedelta(days=3), level=VisitLevel.FULL,
                     announced=True, officers=["Jo Morgan"], reason=VisitReason.ROUTINE)
    visits = VisitsWindow(ws, hub)
    qtbot.addWidget(visits)
    assert visits.tabs.tabText(0) == "My visits (1)" and visits.tabs.tabText(1) == "Every visit (2)"
    assert visits.mine_model.rows[0].officers == ("Alex Patel",)


def test_contacts_and_package_elements_on_the_provider_page(qtbot, window, ws):
    package = ws.providers.add(name="Oakwood Package", service_type=ServiceType.BESPOKE,
                               monitored_reason="Bespoke package").value
    window.hub.catch_up()
    panel = choose(window, "Oakwood Package")
    assert panel.tabs.isTabVisible(panel.tab_index["elements"])
    element = panel.add_element()
    qtbot.addWidget(element)
    assert isinstance(element, ElementDialog)
    qtbot.keyClicks(element.name, "Floating support")
    element.accept()
    assert element.error.text().startswith("Service type: choose the service type of 'Floating support'")
    element.service_type.setCurrentIndex(element.service_type.findData(ServiceType.FLOATING_SUPPORT.value))
    element.accept()
    contact = panel.add_contact()
    qtbot.addWidget(contact)
    assert isinstance(contact, ContactDialog)
    qtbot.keyClicks(contact.name, "Ruth Adair")
    contact.kind.setCurrentIndex(contact.kind.findData(ContactRole.IRO.value))
    qtbot.keyClicks(contact.email, "ruth@")
    contact.accept()
    assert contact.error.text() == "Email: 'ruth@' is not an email address."
    qtbot.keyClicks(contact.email, "example.gov.uk")
    contact.accept()
    window.hub.catch_up()
    assert panel.tabs.tabText(panel.tab_index["elements"]) == "Package (1 elements)"
    assert panel.tabs.tabText(panel.tab_index["contacts"]) == "Contacts (1)"
    panel.tabs.setCurrentIndex(panel.tab_index["elements"])
    assert [e.name for e in panel.elements_model.rows] == ["Floating support"]
    panel.tabs.setCurrentIndex(panel.tab_index["contacts"])
    assert [(c.name, c.kind_label) for c in panel.contacts_model.rows] == [("Ruth Adair",
                                                                             "Independent Reviewing Officer (IRO)")]
    assert not choose(window, "Maple Lodge").tabs.isTabVisible(panel.tab_index["elements"])
    assert package


def test_a_case_is_closed_with_its_outcome(qtbot, window, ws):
    maple = ws.register.resolve("SC800001")
    from qa_desktop.domain.oversight import CaseSource

    ws.oversight.log_case(maple, source=CaseSource.LADO, category="Allegation", summary="Allegation", safeguarding=True)
    panel = choose(window, "Maple Lodge")
    panel.tabs.setCurrentIndex(panel.tab_index["cases"])
    view = panel.views["cases"]
    view.setCurrentIndex(view.model().index(0, 0))
    dialog = panel.close_case()
    qtbot.addWidget(dialog)
    assert isinstance(dialog, CloseCaseDialog)
    dialog.accept()
    assert dialog.error.text() == "Write the outcome."
    qtbot.keyClicks(dialog.outcome, "LADO: no further action")
    dialog.accept()
    window.hub.catch_up()
    assert panel.overview.cases[0].outcome == "LADO: no further action"


def test_the_oversight_lists_show_monitored_providers_unless_asked_for_every_one(qtbot, ws, hub):
    harbour = ws.register.resolve("SC800002")
    ws.reviews.record_past(harbour, ReviewScope.FULL, review_date=dt.date(2024, 1, 5), reviewed_by="Alex",
                           outcome="Fine")
    board = OversightWindow(ws, hub)
    qtbot.addWidget(board)
    board.show()
    assert board.due_model.rowCount() == 0
    board.everyone.setChecked(True)
    assert [i.provider_name for i in board.due_model.rows] == ["Harbour View"]
    board.everyone.setChecked(False)
    ws.providers.set_monitored(harbour, True, "Spot placements")
    hub.catch_up()
    assert [i.provider_name for i in board.due_model.rows] == ["Harbour View"]


def test_the_window_reaches_every_caseload_form_from_its_menus(qtbot, window):
    titles = [a.text() for a in window.menuBar().actions()]
    assert "&Provider" in titles
    provider_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Provider")
    words = [a.text() for a in provider_menu.actions()]
    assert words[:2] == ["&Add a provider…", "&Edit the selected provider…"]
    dialog = window.add_provider()
    qtbot.addWidget(dialog)
    assert isinstance(dialog, ProviderDialog) and dialog.windowTitle() == "Add a provider"
