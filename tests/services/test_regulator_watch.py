"""Issue 17: every Ofsted file tells the team what changed, the register feeds Section 12, files
as users have them. On files made in Ofsted's provider-level and in-year layouts
(``tests/ofsted_files.py``)."""

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import select

from qa_desktop.domain.oversight import AlertKind
from qa_desktop.domain.regulation import Judgement, Regulator
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.services import oversight as qa
from qa_desktop.services.import_changes import What, change_lines, import_history
from qa_desktop.services.provider_files import ImportFileError
from qa_desktop.services.provider_import import import_providers
from qa_desktop.services.provider_layout import Layout
from qa_desktop.services.sanctions import Sanction, sanctions_list
from qa_desktop.services.team_settings import internal_owners, set_internal_owners
from qa_desktop.store.models import Provider, RegulatoryAlert
from tests.conftest import TODAY
from tests.ofsted_files import (
    COUNCIL,
    IN_YEAR,
    PROVIDER_LEVEL,
    in_year_rows,
    later_rows,
    provider_level_rows,
    write_csv,
    write_unicode_text,
    write_xlsx,
)

S = ServiceType
#: What each provision type of the files becomes: written out here, not read from the table.
EXPECTED_KIND = {
    "Children's home": S.RESIDENTIAL, "Short-break-only children's home": S.SHORT_BREAKS,
    "Independent fostering agency": S.IFA, "Residential special school": S.RESIDENTIAL_SCHOOL,
    "Supported accommodation": S.SUPPORTED_ACCOMMODATION, "Residential family centre": S.PARENT_AND_CHILD,
    "Secure children's home": S.SECURE_UNIT, "Boarding school": S.BOARDING_SCHOOL,
    "Further education college with residential accommodation": S.FE_COLLEGE_RESIDENTIAL,
    "Residential holiday scheme for disabled children": S.SHORT_BREAKS, "Secure training centre": S.SECURE_UNIT,
    "Residential special school (registered as a children's home)": S.RESIDENTIAL_SCHOOL,
}
POOR = {"Requires improvement to be good", "Inadequate"}


def by_urn(store) -> dict[str, Provider]:
    with store.read() as session:
        return {p.urn: p for p in session.scalars(select(Provider))}


def alerts(store) -> list[RegulatoryAlert]:
    with store.read() as session:
        return list(session.scalars(select(RegulatoryAlert)))


def lines_of(store, report):
    with store.read() as session:
        return list(change_lines(session, report.import_id))


def test_a_provider_level_file_maps_every_kind_and_this_councils_homes(store, tmp_path):
    rows = list(provider_level_rows(300))
    report = import_providers(store, write_csv(tmp_path / "ofsted.csv", PROVIDER_LEVEL, rows),
                              council_owners=[COUNCIL])
    adoption = [r for r in rows if r[1] == "Voluntary adoption agency"]
    assert report.layout == Layout.PROVIDER_LEVEL
    assert (report.added, report.skipped_total) == (300 - len(adoption), len(adoption))
    assert all("not commissioned under this framework" in s.reason for s in report.skipped)
    found = by_urn(store)
    for row in rows:
        if row in adoption:
            continue
        expected = EXPECTED_KIND[row[1]]
        if row[1] == "Children's home" and row[12] == COUNCIL:
            expected = S.INTERNAL_RESIDENTIAL  # this council's own home (Figure 2: yearly visits)
        assert found[row[0]].service_type is expected, row
    assert Counter(p.service_type for p in found.values())[S.INTERNAL_RESIDENTIAL] > 0
    # short-break-only homes owned by the council stay short breaks
    assert any(r[1] == "Short-break-only children's home" and r[12] == COUNCIL for r in rows)


def test_every_import_is_a_change_report_and_feeds_section_12(store, tmp_path):
    count = 120
    first_rows = list(provider_level_rows(count))
    first = import_providers(store, write_csv(tmp_path / "2025.csv", PROVIDER_LEVEL, first_rows))
    held = {p.urn: (p.judgement, p.judgement_date, p.registration_status) for p in by_urn(store).values()}
    commissioned = {r[0] for r in first_rows if r[1] != "Voluntary adoption agency"}
    # the first import puts every provider judged Requires improvement or below, or suspended, on the list
    poor = {r[0] for r in first_rows if r[0] in commissioned and r[14] in POOR}
    suspended = {r[0] for r in first_rows if r[0] in commissioned and r[2] == "Suspended"}
    with store.read() as session:
        listed = sanctions_list(session, TODAY)
    on_list = Counter((row.urn, row.sanction) for row in listed)
    assert {u for (u, s) in on_list if s is Sanction.POOR_JUDGEMENT_RESTRICTION} == poor | suspended
    assert {u for (u, s) in on_list if s is Sanction.CEASED_OPERATING} == {
        r[0] for r in first_rows if r[0] in commissioned and r[2] == "Resigned"}
    assert first.alerts == len(poor) + len(suspended)
    inadequate = next(row for row in listed if row.urn in poor and "Inadequate" in row.concerns)
    source = next(r for r in first_rows if r[0] == inadequate.urn)
    day, month, year = map(int, source[13].split("/"))
    assert inadequate.since == dt.date(year, month, day)  # when it was judged, not when it was imported
    assert "Ofsted provider-level data, imported 22/11/2026" in inadequate.detail
    assert inadequate.review_on == TODAY + dt.timedelta(weeks=12)

    later = list(later_rows(count))
    second = import_providers(store, write_csv(tmp_path / "2026.csv", PROVIDER_LEVEL, later))
    lines = lines_of(store, second)
    by = {(line.urn, line.what) for line in lines}
    dropped = {r[0] for n, r in enumerate(later) if n % 10 == 0 and r[0] in commissioned}
    for urn in dropped:
        assert (urn, What.JUDGEMENT) in by
        assert by_urn(store)[urn].judgement is Judgement.INADEQUATE
        assert by_urn(store)[urn].judgement_date == dt.date(2026, 10, 14)
        assert (urn, What.SANCTIONED) in by  # a new inspection: a new alert
    worse = [line for line in lines if line.what is What.JUDGEMENT and line.note == "worse than before"]
    assert {line.urn for line in worse} == {u for u in dropped if held[u][0] not in (None, Judgement.INADEQUATE)}
    newly_suspended = {r[0] for n, r in enumerate(later) if n % 31 == 0 and n % 37 and r[0] in commissioned
                       and held[r[0]][2] != "Suspended"}
    for urn in newly_suspended:
        line = next(x for x in lines if x.urn == urn and x.what is What.STATUS)
        assert (line.before, line.after) == ("Active", "Suspended")
    resigned = {r[0] for n, r in enumerate(later) if n % 37 == 0 and r[0] in commissioned}
    assert {x.urn for x in lines if x.what is What.SANCTIONED and x.after == "Ceased operating"} == \
        {u for u in resigned if held[u][2] != "Resigned"}
    renamed = next(x for x in lines if x.what is What.NAME)
    assert renamed.after.endswith("(renamed)") and renamed.urn == later[1][0]
    moved = next(x for x in lines if x.what is What.ADDRESS)
    assert moved.urn == later[2][0] and "1 New Road" in moved.after and "ME5 9ZZ" in moved.after
    # an earlier alert about an older judgement is superseded, not left open beside the new one
    with store.read() as session:
        open_ = qa.open_alerts(session)
    judgement_alerts = Counter(a.provider_id for a in open_ if a.kind in (AlertKind.INADEQUATE,
                                                                          AlertKind.POOR_JUDGEMENT))
    assert max(judgement_alerts.values()) == 1
    superseded = [a for a in alerts(store) if a.superseded_by]
    assert superseded and all(a.closed_on == TODAY for a in superseded)
    # nothing changed: nothing reported, nothing raised again
    third = import_providers(store, write_csv(tmp_path / "2026 again.csv", PROVIDER_LEVEL, later))
    assert (third.updated, third.alerts, lines_of(store, third)) == (0, 0, [])
    with store.read() as session:
        assert [r.file_name for r in import_history(session)] == ["2026 again.csv", "2026.csv", "2025.csv"]


def test_a_judgement_or_inspection_date_never_moves_backwards(store, tmp_path):
    header = ",".join(PROVIDER_LEVEL)
    newer = "SC722941,Children's home,Active,Private,Oak Lodge,1 Oak St,,Chatham,Kent,ME4 4AA,Medway,3,Oak Ltd,"
    import_providers(store, write_csv(tmp_path / "a.csv", PROVIDER_LEVEL,
                                      [(newer + "23/01/2024,Good").split(",")]))
    report = import_providers(store, write_csv(tmp_path / "b.csv", PROVIDER_LEVEL,
                                               [(newer + "26/09/2023,Inadequate").split(",")]))
    oak = by_urn(store)["SC722941"]
    assert (oak.judgement, oak.judgement_date) == (Judgement.GOOD, dt.date(2024, 1, 23))
    (line,) = lines_of(store, report)
    assert line.what is What.JUDGEMENT_KEPT and "26/09/2023" in line.after and "23/01/2024" in line.before
    assert alerts(store) == []  # an older inspection raises nothing
    assert header  # (the header the rows are written under)


@pytest.mark.parametrize("keys_held", [100_000, 25, 0],
                         ids=["keys-in-memory", "keys-moved-to-a-table-midway", "keys-asked-row-by-row"])
def test_the_in_year_file_uses_each_providers_latest_full_inspection(store, tmp_path, monkeypatch, keys_held):
    from qa_desktop.services import provider_import

    monkeypatch.setattr(provider_import, "MAX_KEYS_HELD", keys_held)  # a file with more keys asks row by row
    rows = list(in_year_rows(60))
    report = import_providers(store, write_csv(tmp_path / "in-year.csv", IN_YEAR, rows))
    assert report.layout == Layout.IN_YEAR
    urns = {r[0] for r in rows}
    adoption = {r[0] for r in rows if r[1] == "Voluntary adoption agency"}
    assert report.added == len(urns - adoption) and report.skipped_total == len(adoption)
    assert report.repeated == len(rows) - len(urns)  # earlier inspections of the same providers: not errors
    found = by_urn(store)
    for urn in urns - adoption:
        full = [r for r in rows if r[0] == urn and r[8] == "Full inspection"]
        latest = max(full, key=lambda r: dt.datetime.strptime(r[7], "%d/%m/%Y"))
        provider = found[urn]
        assert provider.judgement_date == dt.datetime.strptime(latest[7], "%d/%m/%Y").date()
        assert provider.judgement.label.lower() in latest[9].lower() or (
            provider.judgement is Judgement.REQUIRES_IMPROVEMENT and latest[9].startswith("Requires"))
    # an interim inspection after the full one grades nothing: the full one stays
    interim = next(r for r in rows if r[8] == "Interim inspection" and r[0] not in adoption)
    assert found[interim[0]].judgement_date.year < 2025


def test_files_as_users_have_them(store, tmp_path):
    rows = [r for r in provider_level_rows(40) if r[1] != "Voluntary adoption agency"]
    rows[0][4] = "Zo\u00eb Ni Bhriain House"  # a name no ASCII file holds
    unicode_text = import_providers(store, write_unicode_text(tmp_path / "unicode.txt", PROVIDER_LEVEL, rows))
    assert (unicode_text.encoding, unicode_text.added) == ("utf-16", len(rows))
    assert by_urn(store)[rows[0][0]].name == "Zo\u00eb Ni Bhriain House"
    workbook_rows = [[*r[:11], int(r[11]), *r[12:]] for r in rows]  # Excel keeps places as numbers
    workbook_rows[1][13] = dt.datetime(2026, 10, 14)  # and dates as dates
    workbook_rows[1][14] = "Inadequate"
    workbook = import_providers(store, write_xlsx(tmp_path / "providers.xlsx", PROVIDER_LEVEL, workbook_rows))
    assert workbook.encoding == "Excel workbook" and workbook.updated == 1 and workbook.unchanged == len(rows) - 1
    assert by_urn(store)[rows[1][0]].judgement_date == dt.date(2026, 10, 14)
    assert by_urn(store)[rows[1][0]].capacity == int(rows[1][11])
    as_held = [list(r) for r in rows[:5]]
    as_held[1][13:15] = ["14/10/2026", "Inadequate"]
    for encoding, label in (("utf-8-sig", "utf-8"), ("cp1252", "cp1252"), ("utf-8", "utf-8")):
        again = import_providers(store, write_csv(tmp_path / f"{encoding}.csv", PROVIDER_LEVEL, as_held,
                                                  encoding=encoding))
        assert (again.encoding, again.unchanged) == (label, 5)


@pytest.mark.parametrize(("content", "expected", "found"), [
    ("Town,County,Places\nChatham,Kent,4\n", "URN (or Name with Postcode), Provision type", "Town, County, Places"),
    ("URN,Name,Town\nSC700101,Maple Lodge,Chatham\n", "Provision type (or Service type)", "URN, Name, Town"),
    ("", "URN (or Name with Postcode)", "nothing (the file is empty)"),
])
def test_a_file_in_another_layout_is_named_with_the_columns_expected_and_found(store, tmp_path, content, expected,
                                                                               found):
    path = tmp_path / "visits.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ImportFileError) as raised:
        import_providers(store, path)
    message = str(raised.value)
    assert message.startswith("visits.csv: ") and expected in message and "Found" in message and found in message
    assert "Latest full inspection date" in message  # Ofsted's own layout, named


@pytest.mark.parametrize(("content", "words"), [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, r"old Excel 97-2003 \(\.xls\)"),
    (b"%PDF-1.7\n", "this is a PDF"),
])
def test_files_that_are_not_provider_lists_are_named_for_what_they_are(store, tmp_path, content, words):
    path = tmp_path / "providers.xls"
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=words):
        import_providers(store, path)


def test_this_councils_own_homes_are_marked_by_the_owner_names_set(store, tmp_path):
    rows = list(provider_level_rows(100))
    import_providers(store, write_csv(tmp_path / "ofsted.csv", PROVIDER_LEVEL, rows))
    council_homes = {r[0] for r in rows if r[1] == "Children's home" and r[12] == COUNCIL}
    assert council_homes and all(by_urn(store)[u].service_type is S.RESIDENTIAL for u in council_homes)
    assert set_internal_owners(store, [" Medway  Council ", "medway council"]) == len(council_homes)
    with store.read() as session:
        assert internal_owners(session) == ("Medway Council",)
    assert all(by_urn(store)[u].service_type is S.INTERNAL_RESIDENTIAL for u in council_homes)
    # a re-import keeps them marked, and says nothing changed
    again = import_providers(store, write_csv(tmp_path / "again.csv", PROVIDER_LEVEL, rows),
                             council_owners=["Medway Council"])
    assert again.updated == 0
    assert set_internal_owners(store, []) == len(council_homes)
    assert all(by_urn(store)[u].service_type is S.RESIDENTIAL for u in council_homes)


def test_a_service_type_the_team_chose_is_kept_by_a_reimport(store, tmp_path):
    rows = [r for r in provider_level_rows(100) if r[1] == "Independent fostering agency"][:1]
    import_providers(store, write_csv(tmp_path / "a.csv", PROVIDER_LEVEL, rows))
    with store.write() as changes:
        agency = changes.session.scalars(select(Provider).where(Provider.urn == rows[0][0])).one()
        changes.update(agency, service_type=S.BESPOKE)
    report = import_providers(store, write_csv(tmp_path / "b.csv", PROVIDER_LEVEL, rows))
    assert by_urn(store)[rows[0][0]].service_type is S.BESPOKE
    (line,) = lines_of(store, report)
    assert line.what is What.SERVICE_TYPE_KEPT and line.after == "Independent Fostering Agency"


def test_a_later_alert_supersedes_the_earlier_and_a_termination_is_ceased_operating(store, tmp_path):
    rows = [r for r in provider_level_rows(10) if r[1] == "Children's home" and r[2] == "Active"][:1]
    import_providers(store, write_csv(tmp_path / "a.csv", PROVIDER_LEVEL, rows))
    provider = by_urn(store)[rows[0][0]]
    first = qa.log_alert(store, provider.id, regulator=Regulator.OFSTED, kind=AlertKind.RESTRICTION,
                         received_on=TODAY - dt.timedelta(weeks=12), summary="No new admissions")
    second = qa.log_alert(store, provider.id, regulator=Regulator.OFSTED, kind=AlertKind.RESTRICTION,
                          received_on=TODAY, summary="Restriction remains in place")
    late = qa.log_alert(store, provider.id, regulator=Regulator.OFSTED, kind=AlertKind.RESTRICTION,
                        received_on=TODAY - dt.timedelta(weeks=6), summary="A letter logged late")
    with store.read() as session:
        (open_alert,) = [a for a in qa.open_alerts(session, provider_id=provider.id)
                         if a.kind is AlertKind.RESTRICTION]
        got = {a.id: a for a in session.scalars(select(RegulatoryAlert))}
    assert open_alert.id == second and open_alert.review_on == TODAY + dt.timedelta(weeks=12)
    assert (got[first].closed_on, got[first].superseded_by) == (TODAY, second)
    assert (got[late].closed_on, got[late].superseded_by) == (TODAY, second)  # superseded when it arrived
    qa.log_alert(store, provider.id, regulator=Regulator.OFSTED, kind=AlertKind.TERMINATION, received_on=TODAY,
                 summary="Registration cancelled")
    with store.read() as session:
        ceased = [r for r in sanctions_list(session, TODAY) if r.provider_id == provider.id
                  and r.sanction is Sanction.CEASED_OPERATING]
    assert len(ceased) == 1 and ceased[0].since == TODAY and "Termination" in ceased[0].detail
    assert by_urn(store)[rows[0][0]].ceased_operating_on == TODAY


def test_an_alert_closed_by_an_officer_is_not_raised_again_by_the_next_import(store, tmp_path):
    rows = [r for r in provider_level_rows(30) if r[14] == "Inadequate" and r[2] == "Active"][:1]
    path = write_csv(tmp_path / "a.csv", PROVIDER_LEVEL, rows)
    assert import_providers(store, path).alerts == 1
    (alert,) = alerts(store)
    qa.close_alert(store, alert.id, TODAY)
    assert import_providers(store, path).alerts == 0  # the same inspection: once


def test_an_improved_judgement_closes_the_alert_about_the_earlier_one(store, tmp_path):
    row = next(r for r in provider_level_rows(30) if r[14] == "Inadequate" and r[2] == "Active")
    import_providers(store, write_csv(tmp_path / "a.csv", PROVIDER_LEVEL, [row]))
    better = [*row[:13], "01/11/2026", "Good"]
    report = import_providers(store, write_csv(tmp_path / "b.csv", PROVIDER_LEVEL, [better]))
    (alert,) = alerts(store)
    assert alert.closed_on == TODAY and report.closed_alerts == 1
    (judgement, closed) = lines_of(store, report)
    assert judgement.what is What.JUDGEMENT and closed.what is What.ALERT_CLOSED
    assert "judged Good, inspected 01/11/2026" in closed.note


def test_a_registration_active_again_lifts_the_suspension(store, tmp_path):
    row = next(r for r in provider_level_rows(200) if r[2] == "Suspended")
    import_providers(store, write_csv(tmp_path / "a.csv", PROVIDER_LEVEL, [row]))
    assert [a.kind for a in alerts(store) if a.closed_on is None].count(AlertKind.SUSPENSION) == 1
    active = [*row[:2], "Active", *row[3:]]
    report = import_providers(store, write_csv(tmp_path / "b.csv", PROVIDER_LEVEL, [active]))
    assert report.closed_alerts >= 1
    assert all(a.closed_on == TODAY for a in alerts(store) if a.kind is AlertKind.SUSPENSION)


def test_a_deleted_provider_is_not_added_again(store, tmp_path):
    rows = [r for r in provider_level_rows(5) if r[1] == "Children's home"][:1]
    path = write_csv(tmp_path / "a.csv", PROVIDER_LEVEL, rows)
    import_providers(store, path)
    with store.write() as changes:
        changes.delete(changes.session.scalars(select(Provider)).one())
    report = import_providers(store, path)
    assert report.added == 0 and "deleted from the register" in report.skipped[0].reason


def test_boarding_schools_and_colleges_are_not_monitored_unless_marked_and_then_reviewed_as_schools(store, tmp_path):
    """Issue 17 point 4 with caseload's flag: a mainstream boarding school or FE college imports as its own
    kind, not monitored, with nothing due and a placement check that says why; marked monitored (the council
    places a child there) it is reviewed and visited as Figure 1/2's 38 + 52 week residential schools, and a
    re-import of the file leaves the team's mark alone."""
    from qa_desktop.domain.compliance import ReviewScope
    from qa_desktop.domain.schedule import DueKind, DueStatus
    from qa_desktop.forms.library import TemplateLibrary
    from qa_desktop.workspace import Workspace
    from tests.caseload.test_reviews_and_placements import fill

    path = write_csv(tmp_path / "ofsted.csv", PROVIDER_LEVEL, list(provider_level_rows(120)))
    import_providers(store, path)
    ws = Workspace(store, TemplateLibrary.load())
    kinds = (S.BOARDING_SCHOOL, S.FE_COLLEGE_RESIDENTIAL)
    found = {kind: list(ws.register.search(service_type=kind)) for kind in kinds}
    assert all(found[kind] for kind in kinds), "the file has both kinds"
    unmarked = [row.id for kind in kinds for row in found[kind]]
    assert not any(row.monitored for kind in kinds for row in found[kind])
    assert {row.id for row in ws.register.search(monitored=False)} >= set(unmarked)
    assert not {row.id for row in ws.register.search(monitored=True)} & set(unmarked)
    school, college = found[S.BOARDING_SCHOOL][0].id, found[S.FE_COLLEGE_RESIDENTIAL][0].id
    assert ws.register.due(provider_id=school, include_scheduled=True) == []
    assert not {i.provider_id for i in ws.register.due(everyone=True, include_scheduled=True)} & set(unmarked)
    check = ws.oversight.placement_check(school)
    [review_line] = [line for line in check.lines if line.topic == "Compliance review"]
    assert review_line.weight.value == "concern" and not check.nothing_recorded
    assert review_line.words.startswith("Boarding School not monitored by us: QA holds no compliance review")
    assert "as for a 38 + 52 Week Residential School" in review_line.words

    for provider_id in (school, college):
        ws.providers.set_monitored(provider_id, True, "A child placed there through the SEND team")
        due = {item.due.kind: item.due for item in ws.register.due(provider_id=provider_id, include_scheduled=True)}
        assert due[DueKind.REVIEW].status is DueStatus.BEFORE_PLACEMENT  # none on record: before placing
        assert due[DueKind.VISIT].status is DueStatus.BEFORE_PLACEMENT
    assert {school, college} <= {i.provider_id for i in ws.register.due(include_scheduled=True)}  # the default list
    review = ws.reviews.start(school, ReviewScope.FULL).value
    sheet = ws.reviews.sheet(review)
    assert sheet.figure_row == "38 + 52 Week Residential Schools"
    assert "Regulation 44 Reports/Independent visitor reports" in {item.label for item in sheet.items}

    import_providers(store, path)  # the next file from Ofsted
    assert all(row.monitored for row in ws.register.search(monitored=True, only=[school, college]))
    assert len(ws.register.search(monitored=True, only=[school, college])) == 2

    fill(ws, review)
    ws.reviews.complete(review)
    ws.providers.set_monitored(school, False, "No child placed there any more")
    [line] = [line for line in ws.oversight.placement_check(school).lines if line.topic == "Compliance review"]
    assert "not monitored by us: its last compliance review was 22/11/2026" in line.words
    assert ws.register.due(provider_id=school, include_scheduled=True) == []  # nothing due once unmarked


def test_a_poor_judgement_makes_a_monitored_providers_review_due_with_its_reason(store, tmp_path):
    """Issue 17 point 2: the register's alert is, for a provider we monitor, a concern that makes the
    compliance review due from the day it came (Figure 1); for a provider we do not use it only puts it on
    the sanctions list; a review since the inspection has seen it."""
    from qa_desktop.domain.compliance import ReviewScope
    from qa_desktop.domain.schedule import DueKind, DueStatus
    from qa_desktop.services.due import due_items
    from qa_desktop.services.providers import set_monitored
    from qa_desktop.services.reviews import record_past_review

    good, poor = [r for r in provider_level_rows(60) if r[1] == "Children's home" and r[2] == "Active"
                  and r[14] in {"Good", "Outstanding"} and r[13]][:2]
    path = write_csv(tmp_path / "a.csv", PROVIDER_LEVEL, [good, poor])
    import_providers(store, path)
    providers = by_urn(store)
    for urn in (good[0], poor[0]):  # both reviewed last month, so nothing is due from the cycle
        set_monitored(store, providers[urn].id, True, "Children placed there")
        record_past_review(store, provider_id=providers[urn].id, review_date=TODAY - dt.timedelta(days=30),
                           scope=ReviewScope.FULL, reviewed_by="Alex Patel", outcome="Compliant", today=TODAY)

    def reviews_due(monitored_only=True):
        with store.read() as session:
            return {i.provider_id: i.due for i in due_items(session, TODAY, include_scheduled=True,
                                                            monitored_only=monitored_only)
                    if i.due.kind is DueKind.REVIEW}

    assert {d.status for d in reviews_due().values()} == {DueStatus.SCHEDULED}
    worse = [*poor[:13], "01/11/2026", "Inadequate"]  # judged Inadequate after the last review
    import_providers(store, write_csv(tmp_path / "b.csv", PROVIDER_LEVEL, [good, worse]))
    due = reviews_due()
    assert due[providers[good[0]].id].status is DueStatus.SCHEDULED
    assert due[providers[poor[0]].id].status is DueStatus.DUE and due[providers[poor[0]].id].due_on == TODAY
    assert "regulatory alert (Ofsted: inadequate judgement or widespread concerns)" in due[providers[poor[0]].id].reason

    # not a provider we use: on the sanctions list, but its review is not made due
    set_monitored(store, providers[poor[0]].id, False, "No child placed there any more")
    assert reviews_due(monitored_only=False)[providers[poor[0]].id].status is DueStatus.SCHEDULED
    # monitored again, and reviewed since the inspection: the concern has been seen
    set_monitored(store, providers[poor[0]].id, True, "Placed again")
    record_past_review(store, provider_id=providers[poor[0]].id, review_date=TODAY - dt.timedelta(days=1),
                       scope=ReviewScope.FULL, reviewed_by="Alex Patel", outcome="Plan issued", today=TODAY)
    assert reviews_due()[providers[poor[0]].id].status is DueStatus.SCHEDULED
