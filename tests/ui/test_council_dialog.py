"""File > Council settings, as an officer and as the QA lead would use it."""

from pathlib import Path

from PySide6.QtCore import Qt

from qa_desktop.domain.roles import Role
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.store.database import Store
from qa_desktop.ui.council_dialog import CouncilDialog
from qa_desktop.workspace import Workspace
from tests.services.test_council_settings import PNG

SHOTS = Path("/work/shots/package")


def shoot(widget, name: str) -> None:
    if SHOTS.parent.is_dir():  # screenshots for looking at, on a developer's machine only
        SHOTS.mkdir(exist_ok=True)
        widget.grab().save(str(SHOTS / name))


def test_an_officer_changes_the_details_and_sees_the_figures_read_only(qtbot, workspace, tmp_path):
    dialog = CouncilDialog(workspace)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.tabs.widget(1).widget().isEnabled()  # the framework: QA lead only
    dialog.council_name.clear()
    qtbot.keyClicks(dialog.council_name, "Medway Council")
    dialog.address.setPlainText("Gun Wharf\nDock Road\nChatham ME4 4TR")
    logo = tmp_path / "logo.png"
    logo.write_bytes(PNG)
    dialog.choose_logo(str(logo))
    shoot(dialog, "council-dialog.png")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    brand = workspace.council.branding()
    assert brand.council_name == "Medway Council" and brand.logo == PNG
    assert brand.address_block == ("Gun Wharf", "Dock Road", "Chatham ME4 4TR")


def test_a_refusal_is_said_in_the_dialog_and_what_was_typed_stays(qtbot, workspace):
    dialog = CouncilDialog(workspace)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.marking.setText("secret!")
    dialog.council_name.setText("Medway Council")
    dialog.save()
    assert dialog.isVisible() and dialog.error.isVisible()
    assert "protective marking: 'secret!' is not a marking" in dialog.error.text()
    assert dialog.marking.text() == "secret!" and dialog.council_name.text() == "Medway Council"
    assert workspace.council.branding().council_name == "Example Council"  # nothing half-saved


def test_the_qa_lead_changes_the_framework(qtbot, store):
    lead = Workspace(Store(store.data_dir, actor="lead", key=store.key, role=Role.QA_LEAD))
    try:
        dialog = CouncilDialog(lead)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.tabs.setCurrentIndex(1)
        assert dialog.tabs.widget(1).widget().isEnabled()
        dialog.framework_name.setText("Jersey QA framework 2027")
        dialog.visit_months[ServiceType.RESIDENTIAL].setValue(12)
        dialog.action_hours[ConcernLevel.HIGH][1].setValue(24)
        dialog.action_hours[ConcernLevel.HIGH][0].setValue(12)
        shoot(dialog, "council-dialog-framework.png")
        dialog.rag_from[1].setValue(20)  # medium above high: refused in words
        dialog.save()
        assert "the bands must rise" in dialog.error.text() and dialog.isVisible()
        dialog.rag_from[1].setValue(4)
        dialog.save()
        assert not dialog.isVisible()
        figures = lead.council.settings().framework
        assert figures.name == "Jersey QA framework 2027"
        assert str(figures.visit_frequency(ServiceType.RESIDENTIAL)) == "yearly"
        assert figures.timescale(ConcernLevel.HIGH).wording == "12-24 hours"
        assert "framework" in {line.field for line in lead.council.audit()}
    finally:
        lead.close()
