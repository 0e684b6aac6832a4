"""The council's own settings: defaults, checks in words, roles, the audit trail, sync, the report,
and the framework's figures as data (the built-in one is exactly the figures the code quotes)."""

import datetime as dt
import re

import pytest
from pypdf import PdfReader

from qa_desktop.cli import main
from qa_desktop.domain import compliance, risk, schedule, timescales
from qa_desktop.domain.framework import MEDWAY, Framework, FrameworkError
from qa_desktop.domain.roles import NotAllowed, Role
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.services.council import CouncilSettingError, branding, council, set_branding, set_framework
from qa_desktop.services.demo import load_demo
from qa_desktop.services.reports import write_visit_report
from qa_desktop.store.database import Store
from qa_desktop.sync.engine import sync
from qa_desktop.sync.folder import FolderStore
from qa_desktop.workspace import Workspace

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00"
       b"\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")


def jersey() -> dict:
    figures = MEDWAY.to_dict()
    figures["name"] = "Jersey QA framework 2027"
    figures["figure_2_visit_months"]["residential"] = 12
    figures["figure_6_rag_from"] = {"low": 1, "medium": 3, "high": 6}
    figures["figure_8_action_hours"]["high"] = [12, 24]
    return figures


# -- the framework as data ----------------------------------------------------------------------------

def test_the_built_in_framework_is_the_figures_the_code_quotes():
    for service_type in ServiceType:
        assert MEDWAY.visit_frequency(service_type) == schedule.visit_frequency(service_type)
        requirement = compliance.compliance_requirement(service_type)
        assert MEDWAY.review_frequency(service_type) == (requirement.frequency if requirement else None)
    for count in range(40):
        assert MEDWAY.rag_for_case_count(count) == risk.rag_for_case_count(count)
    raised = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)
    for level in ConcernLevel:
        assert MEDWAY.action_due(level, raised) == timescales.action_due(level, raised)
        assert MEDWAY.timescale(level).wording == timescales.FIGURE_8[level].wording
    assert Framework.from_dict(MEDWAY.to_dict()) == MEDWAY


@pytest.mark.parametrize("change, words", [
    (lambda f: f.pop("name"), "name: give the framework a name"),
    (lambda f: f.update(figure_9={}), "figure_9: not a figure of the framework"),
    (lambda f: f["figure_2_visit_months"].update(castle=12), "figure_2_visit_months.castle: not a service type"),
    (lambda f: f["figure_2_visit_months"].update(residential=0),
     "figure_2_visit_months.residential: 0 is not a number of months (1 to 120)"),
    (lambda f: f["figure_1_review_months"].update(ifa="2 years"), "figure_1_review_months.ifa: '2 years' is not"),
    (lambda f: f.update(figure_6_rag_from={"low": 1, "medium": 10, "high": 4}), "the bands must rise"),
    (lambda f: f["figure_8_action_hours"].pop("low"), "figure_8_action_hours.low: missing"),
    (lambda f: f["figure_8_action_hours"].update(high=[48, 24]), "the shortest (48 hours) is longer"),
    (lambda f: f["figure_8_action_hours"].update(significant=[0, 2000]), "a more serious concern cannot have longer"),
])
def test_bad_figures_are_refused_in_one_sentence_naming_the_field(change, words):
    figures = MEDWAY.to_dict()
    change(figures)
    with pytest.raises(FrameworkError) as refused:
        Framework.from_dict(figures)
    assert words in str(refused.value) and "\n" not in str(refused.value)


def test_a_council_s_own_figures_read_as_it_means_them():
    figures = Framework.from_dict(jersey())
    assert str(figures.visit_frequency(ServiceType.RESIDENTIAL)) == "yearly"
    assert [figures.rag_for_case_count(n).value for n in (0, 2, 3, 5, 6)] == ["none", "low", "medium", "medium", "high"]
    assert figures.timescale(ConcernLevel.HIGH).wording == "12-24 hours"
    assert figures.visit_frequency(ServiceType.IFA) is None  # no routine visit, as in Figure 2


# -- the settings, in the data folder --------------------------------------------------------------------

def test_a_fresh_data_folder_uses_the_built_in_details_and_framework(store):
    view = council(store)
    assert view.branding.council_name == "Example Council" and view.branding.protective_marking == "OFFICIAL-SENSITIVE"
    assert view.framework == MEDWAY and "framework" in view.defaults and view.branding.logo is None


def test_details_are_checked_and_a_bad_one_changes_nothing(store):
    for kwargs, words in [({"council_name": "  "}, "council name: cannot be empty"),
                          ({"protective_marking": "secret!"}, "protective marking: 'secret!' is not a marking"),
                          ({"address_block": "\n".join(f"line {n}" for n in range(9))}, "address block: 9 lines"),
                          ({"logo": b"not a picture"}, "logo: not a PNG or JPEG"),
                          ({"council_name": "Medway Council", "logo": b"GIF89a"}, "logo: not a PNG or JPEG")]:
        with pytest.raises(CouncilSettingError) as refused:
            set_branding(store, **kwargs)
        assert words in str(refused.value)
    assert council(store).branding.council_name == "Example Council"  # nothing half-saved


def test_details_reach_the_report_from_the_one_branding_function(store, tmp_path):
    load_demo(store)
    set_branding(store, council_name="Medway Council", protective_marking="official - sensitive personal",
                 address_block="Gun Wharf\n  Dock Road \nChatham ME4 4TR", logo=PNG)
    brand = branding(store)
    assert brand.protective_marking == "OFFICIAL-SENSITIVE PERSONAL" and brand.logo == PNG
    assert brand.address_block == ("Gun Wharf", "Dock Road", "Chatham ME4 4TR")
    visit_id = Workspace(store).visits.in_progress()[0].id
    result = write_visit_report(store, visit_id, tmp_path / "report.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(str(result.path)).pages)
    assert "Medway Council" in text and text.count("OFFICIAL-SENSITIVE PERSONAL") >= 2 * result.pages
    set_branding(store, clear=frozenset({"council_name", "protective_marking"}))
    assert branding(store).council_name == "Example Council" and branding(store).protective_marking == \
        "OFFICIAL-SENSITIVE"


def test_only_the_qa_lead_changes_the_framework(store, lead):
    with pytest.raises(NotAllowed, match="Only the QA lead can change the framework's figures"):
        set_framework(store, jersey())
    set_framework(lead, jersey())
    assert council(store).framework.name == "Jersey QA framework 2027"  # the same data folder
    set_framework(lead, None)
    assert council(store).framework == MEDWAY


def test_changes_sync_to_the_team_and_are_in_the_audit_trail(tmp_path):
    alex = Store(tmp_path / "alex", actor="alex", role=Role.QA_LEAD)
    jo = Store(tmp_path / "jo", actor="jo")
    try:
        shared = FolderStore(tmp_path / "shared")
        set_framework(alex, jersey())
        set_branding(alex, council_name="States of Jersey")
        set_branding(jo, service_name="Children's Commissioning QA")  # at the same time, another field
        for laptop in (alex, jo, alex):
            sync(laptop, shared)
        for laptop in (alex, jo):
            view = council(laptop)
            assert view.framework.name == "Jersey QA framework 2027"
            assert view.branding.council_name == "States of Jersey"
            assert view.branding.service_name == "Children's Commissioning QA"
        trail = Workspace(jo).council.audit()
        assert {(line.who, line.field) for line in trail} >= {("alex", "framework"), ("alex", "council_name"),
                                                             ("jo", "service_name")}
    finally:
        alex.close()
        jo.close()


def test_the_commands(capsys, tmp_path):
    data = str(tmp_path / "data")
    assert main(["council", "--data-dir", data, "--council-name", "Medway Council", "--marking", "OFFICIAL"]) == 0
    out = capsys.readouterr().out
    assert "Medway Council" in out and "OFFICIAL" in out and "(built in)" in out
    assert main(["council", "--data-dir", data, "--marking", "x!"]) == 2
    assert "protective marking: 'x!'" in capsys.readouterr().err
    figures = tmp_path / "figures.yaml"
    assert main(["framework", "--data-dir", data, "--export", str(figures)]) == 0
    figures.write_text(figures.read_text(encoding="utf-8").replace("residential: 36", "residential: 18"),
                       encoding="utf-8")
    assert main(["framework", "--data-dir", data, "--set", str(figures)]) == 2
    assert "Only the QA lead" in capsys.readouterr().err
    main(["user", "--data-dir", data, "--role", "qa_lead"])
    assert main(["framework", "--data-dir", data, "--set", str(figures)]) == 0
    # the column is as wide as the longest service type's name, so the spaces are not counted here
    assert re.search(r"^Residential +every 18 months ", capsys.readouterr().out, re.MULTILINE)
    figures.write_text("name: [unclosed", encoding="utf-8")
    assert main(["framework", "--data-dir", data, "--set", str(figures)]) == 2
    assert "is not YAML (line 1)" in capsys.readouterr().err
    assert main(["council", "--data-dir", data, "--audit"]) == 0
    assert "framework" in capsys.readouterr().out
