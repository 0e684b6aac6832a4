"""The caseload from the command line (issue 16), as an officer would type it, on a register
imported from Ofsted's file with ``import-providers``: each refusal one sentence naming the field."""

from __future__ import annotations

import pytest

from qa_desktop.cli import main
from tests.caseload.ofsted import ofsted_file


@pytest.fixture
def data(tmp_path, capsys):
    folder = str(tmp_path / "data")
    assert main(["import-providers", str(ofsted_file(tmp_path)), "--data-dir", folder]) == 0
    capsys.readouterr()
    return folder


def run(capsys, data, *argv):
    code = main([*argv, "--data-dir", data])
    out, err = capsys.readouterr()
    return code, out, err


def test_providers_added_edited_monitored_and_merged(capsys, data):
    code, out, _ = run(capsys, data, "provider-add", "Lantern House", "--type", "unregulated", "--town", "Strood",
                       "--postcode", "ME2 4DR", "--monitored", "Unregistered; Ofsted notified")
    assert code == 0 and out == ("Added Lantern House (Unregulated Placement), monitored by us: Unregistered; Ofsted "
                                 "notified.\n")
    code, out, _ = run(capsys, data, "provider-edit", "SC800001", "--route", "framework", "--framework", "CRC")
    assert code == 0 and "Now monitored by us: Framework contract (CRC)." in out
    code, out, _ = run(capsys, data, "monitor", "Willow", "--reason", "Emergency placements expected")
    assert code == 0 and out == "Willow House: monitored by us (Emergency placements expected).\n"
    code, out, _ = run(capsys, data, "monitor")
    assert "Lantern House" in out and "Maple Lodge" in out and out.rstrip().endswith("3 providers monitored by us")
    code, _, err = run(capsys, data, "monitor", "Willow", "--off")
    assert code == 2 and err == "Reason: say why the provider is no longer monitored.\n"
    code, _, err = run(capsys, data, "provider-edit", "SC800002", "--tier", "A")
    assert code == 2 and err.startswith("Tier reason: say why the tier is set by hand")
    code, out, _ = run(capsys, data, "provider-add", "Maple Lodge typed", "--type", "residential", "--postcode",
                       "ME1 2DZ")
    code, out, _ = run(capsys, data, "provider-merge", "SC800001", "Maple Lodge typed", "--reason", "Typed twice")
    assert code == 0 and out == "Merged into Maple Lodge: moved 1 settings.\n"
    code, out, _ = run(capsys, data, "provider", "SC800001")
    assert "Monitored by us" in out and "Maple Lodge typed" in out


def test_settings_contacts_elements_and_commissioners(capsys, data):
    code, out, _ = run(capsys, data, "settings", "Willow", "--add", "Willow annexe", "--postcode", "me71rt")
    assert code == 0 and "Willow annexe" in out and "ME7 1RT" in out
    code, out, _ = run(capsys, data, "contacts", "Willow", "--add", "Sam Okafor", "--role", "placing social worker",
                       "--email", "sam@example.gov.uk", "--setting", "annexe")
    assert code == 0 and "Placing social worker" in out and "Willow annexe" in out
    code, _, err = run(capsys, data, "contacts", "Willow", "--add", "Ruth", "--role", "neighbour")
    assert code == 2 and err.startswith("Role: give --role, one of provider, registered_manager")
    code, out, _ = run(capsys, data, "provider-add", "Oakwood Package", "--type", "bespoke")
    code, _, err = run(capsys, data, "elements", "Oakwood", "--add", "Floating support")
    assert code == 2 and err.startswith("Service type: choose the service type of 'Floating support'")
    code, out, _ = run(capsys, data, "elements", "Oakwood", "--add", "Floating support", "--type", "floating_support")
    assert code == 0 and "Floating Support" in out
    code, out, _ = run(capsys, data, "commissioners", "--add", "Tom Ellery", "--type", "ifa", "--route", "framework")
    assert code == 0 and "Independent Fostering Agency (Framework)" in out


def test_a_placement_a_minimum_review_then_the_full_one_and_the_due_list_clears(capsys, data):
    code, _, err = run(capsys, data, "placement", "SC800004", "--reference", "PL-77", "--emergency",
                       "--start", "2026-11-22 09:00", "--end", "2026-11-21 09:00")
    assert code == 2 and err == ("End: the placement cannot end (21 Nov 2026 09:00) before it starts "
                                 "(22 Nov 2026 09:00).\n")
    code, out, _ = run(capsys, data, "placement", "SC800004", "--reference", "PL-77", "--emergency",
                       "--start", "2026-11-22 09:00")
    assert code == 0 and "DUE 24/11/2026: compliance review" in out
    code, out, _ = run(capsys, data, "due")
    assert "Kindred Fostering" in out and "1 item, 0 overdue" in out
    code, out, _ = run(capsys, data, "review", "start", "SC800004", "--minimum")
    reference = out.split()[0]
    assert code == 0 and reference.startswith("CR-20261122-") and "Minimum urgent review of Kindred Fostering" in out
    code, _, err = run(capsys, data, "review", "complete", reference)
    assert code == 2 and err.startswith("Mark each document as seen, not seen or not applicable before completing the "
                                        "review: Health and Safety Documents, Staff Training, Insurance.")
    for item in ("health and safety", "staff training", "insurance"):
        code, out, err = run(capsys, data, "review", "doc", reference, item, "--dated", "2026-10-01")
        assert code == 0, err
    run(capsys, data, "review", "text", reference, "urgent meeting", "Phone call with the manager.")
    code, out, _ = run(capsys, data, "review", "complete", reference)
    assert code == 0 and "Review complete." in out
    code, out, _ = run(capsys, data, "due")
    assert "minimum urgent review done 22/11/2026, the full review follows" in out
    code, out, _ = run(capsys, data, "review", "start", "SC800004")
    full = out.split()[0]
    code, out, _ = run(capsys, data, "review", "show", full)
    for line in out.splitlines():
        if line.startswith("doc_"):
            assert run(capsys, data, "review", "doc", full, line.split()[0], "--dated", "2026-09-01")[0] == 0
    assert run(capsys, data, "review", "text", full, "review_findings", "All seen.")[0] == 0
    code, out, _ = run(capsys, data, "review", "complete", full)
    assert code == 0
    code, out, _ = run(capsys, data, "due")
    assert out.rstrip().endswith("0 items, 0 overdue (as at 22/11/2026, providers monitored by us; --all-providers "
                                 "for every one)")
    code, out, _ = run(capsys, data, "reviews", "Kindred")
    assert full in out and reference in out and "Minimum urgent review" in out


def test_planned_visits_my_visits_the_invitation_and_the_reference(capsys, data, tmp_path):
    code, out, err = run(capsys, data, "user", "--name", "Alex Patel")
    code, _, err = run(capsys, data, "plan-visit", "Maple", "--date", "2026-11-30", "--unannounced",
                       "--officer", "Alex Patel")
    assert code == 2 and "two officers" in err
    ics = tmp_path / "maple.ics"
    code, out, err = run(capsys, data, "plan-visit", "Maple", "--date", "2026-11-30", "--time", "09:30",
                         "--level", "assurance_monitoring", "--officer", "Alex Patel", "--officer", "Jo Morgan",
                         "--unannounced", "--reason", "concern_raised", "--ics", str(ics))
    assert code == 0, err
    reference = out.split()[1].rstrip(",")
    assert reference.startswith("QA-20261130-") and f"Invitation written: {ics}" in out
    assert ics.read_bytes().startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    code, out, _ = run(capsys, data, "my-visits")
    assert reference in out and "Maple Lodge" in out and "NO" in out  # unannounced
    code, out, _ = run(capsys, data, "visits", "--officer", "jo", "--status", "planned")
    assert reference in out and "1 visit(s)" in out
    code, out, _ = run(capsys, data, "visits", "--since", "2026-12-01")
    assert "0 visit(s)" in out
    code, out, _ = run(capsys, data, "visit-invite", reference)
    assert code == 0 and f"invitations/{reference}.ics" in out.replace("\\", "/")
    code, out, _ = run(capsys, data, "audit", "--visit", reference)
    assert code == 0 and "Alex Patel" in out
    code, out, _ = run(capsys, data, "visit-begin", reference)
    assert code == 0 and f"-{reference.split('-')[2]} begun" in out  # dated the day it is done
    code, out, _ = run(capsys, data, "visits", "Maple")
    assert "in progress" in out


def test_a_concern_case_makes_work_due_offers_an_unannounced_visit_and_is_closed(capsys, data):
    run(capsys, data, "monitor", "Northgate", "--reason", "Secure placements")
    code, out, _ = run(capsys, data, "cases", "Northgate", "--add", "Injury during restraint", "--source", "police",
                       "--safeguarding")
    assert code == 0 and "Now due: QA visit at Northgate Secure Unit: safeguarding matter (Police" in out
    assert "--unannounced" in out
    case = next(line.split()[0] for line in out.splitlines()
                if "Injury during restraint" in line and not line.startswith("Now due"))
    code, out, _ = run(capsys, data, "due")
    assert "Northgate Secure Unit" in out and "2 items" in out
    code, _, err = run(capsys, data, "cases", "--close", case)
    assert code == 2 and err == "Write the outcome.\n"
    code, out, _ = run(capsys, data, "cases", "--close", case, "--outcome", "Strategy meeting: no further action")
    assert code == 0 and f"Case {case} closed." in out and "Closed 22/11/2026: Strategy meeting" in out
    code, out, _ = run(capsys, data, "due")
    assert "0 items" in out


def test_a_provider_added_with_a_blank_name_is_refused_in_words(capsys, data):
    """walk6: `provider-add "" --type residential` stopped on an unexpected error (KeyError)."""
    code, out, err = run(capsys, data, "provider-add", "", "--type", "residential")
    assert code == 2 and out == "" and err == "Name: a provider needs a name.\n"
