"""Importing providers from CSV in the layout of Ofsted's provider-level data, with its quirks."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from qa_desktop.domain.regulation import ContractRoute, Judgement, Regulator
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.services.provider_import import ImportFileError, import_providers
from qa_desktop.store.database import Store
from qa_desktop.store.models import Provider, Setting
from tests.conftest import OFSTED_HEADER, TODAY

GOOD_ROWS = [
    ("SC700101,Children's home,Active,Private,Maple Lodge,12 Maple Grove,,Rochester,Kent,ME1 2DQ,Medway,4,"
     "Evergreen Care Homes Ltd,14/05/2024,Good"),
    ("SC700102,Children's Home,Active,Private,REDACTED,REDACTED,,Chatham,Kent,me46pz,Medway,NULL,"
     "Brightpath Residential Ltd,NULL,NULL"),
    ("1234567,Independent fostering agency,Active,Private,Kindred Fostering,Unit 4,Dockside,Chatham,Kent,ME4 4AB,"
     "Medway,,Kindred Fostering Ltd,11/11/2022,Requires improvement to be good"),
]


def csv_text(*rows: str, preamble: str = "") -> str:
    return preamble + OFSTED_HEADER + "\n" + "\n".join(rows) + "\n"


def providers(store: Store) -> dict[str, Provider]:
    with store.read() as session:
        return {p.urn: p for p in session.scalars(select(Provider))}


def count(store: Store, model) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_ofsted_layout_imports_with_placeholders_and_mixed_capitals(store, write_csv):
    report = import_providers(store, write_csv(csv_text(*GOOD_ROWS)))
    assert (report.added, report.updated, report.skipped) == (3, 0, [])
    found = providers(store)
    maple = found["SC700101"]
    assert maple.service_type is ServiceType.RESIDENTIAL and maple.judgement is Judgement.GOOD
    assert maple.judgement_date == dt.date(2024, 5, 14) and maple.capacity == 4
    assert maple.regulator is Regulator.OFSTED and maple.organisation == "Evergreen Care Homes Ltd"
    redacted = found["SC700102"]
    assert redacted.service_type is ServiceType.RESIDENTIAL  # "Children's Home" with a capital H
    assert redacted.name == "Children's Home SC700102 (Brightpath Residential Ltd)"
    assert redacted.judgement is None and redacted.capacity is None
    assert found["1234567"].judgement is Judgement.REQUIRES_IMPROVEMENT
    with store.read() as session:
        setting = session.scalars(select(Setting).where(Setting.provider_id == redacted.id)).one()
        assert setting.address_line1 is None and setting.postcode == "ME4 6PZ" and setting.town == "Chatham"


def test_windows_1252_file_with_curly_apostrophes_and_accents(store, write_csv):
    text = csv_text("SC700110,Children\u2019s home,Active,Private,Zo\u00eb House,1 Ordnance St,,Chatham,Kent,"
                    "ME4 6SE,Medway,2,Sioph\u00e1n Care Partnership,05/02/2025,Inadequate")
    report = import_providers(store, write_csv(text, encoding="cp1252"))
    assert report.encoding == "cp1252" and report.added == 1
    zoe = providers(store)["SC700110"]
    assert zoe.name == "Zo\u00eb House" and zoe.organisation == "Sioph\u00e1n Care Partnership"
    assert zoe.service_type is ServiceType.RESIDENTIAL


def test_utf8_with_byte_order_mark_and_title_lines_above_the_header(store, write_csv):
    text = "\ufeff" + csv_text(*GOOD_ROWS, preamble="Children's social care in England\nAs at 31 March 2026\n\n")
    report = import_providers(store, write_csv(text))
    assert report.encoding == "utf-8" and report.added == 3 and not report.skipped


def test_bad_rows_are_reported_with_line_numbers_and_the_rest_imports(store, write_csv):
    rows = [
        GOOD_ROWS[0],
        "SC12,Children's home,Active,Private,Short URN,,,Chatham,,ME4 1AA,Medway,2,X,,",
        "SC700120,Children's home,Active,Private,Bad date,,,Chatham,,ME4 1AA,Medway,2,X,31/02/2024,Good",
        "SC700121,Voluntary adoption agency,Active,Voluntary,Adoption Co,,,Chatham,,ME4 1AA,Medway,,X,,",
        "SC700122,Children's home,Active,Private,Bad places,,,Chatham,,ME4 1AA,Medway,four,X,,",
        "SC700123,Children's home,Active,Private,Bad judgement,,,Chatham,,ME4 1AA,Medway,2,X,01/01/2025,Excellent",
        ",Children's home,Active,Private,,,,,,,,,,,",
        "SC700101,Children's home,Active,Private,Maple again,,,Rochester,,ME1 2DQ,Medway,4,X,,",
        "",
        GOOD_ROWS[2],
    ]
    report = import_providers(store, write_csv(csv_text(*rows)))
    assert report.added == 2
    reasons = {s.line: s.reason for s in report.skipped}
    assert set(reasons) == {3, 4, 5, 6, 7, 8}
    assert "SC12" in reasons[3] and "URN" in reasons[3]
    assert "31/02/2024" in reasons[4]
    assert "Voluntary adoption agency" in reasons[5] and "not a service type" in reasons[5]
    assert "four" in reasons[6]
    assert "Excellent" in reasons[7]
    assert "neither a URN nor a name" in reasons[8]
    assert report.repeated == 1  # line 9: a second row for SC700101, no later inspection: line 2 is used
    assert providers(store)["SC700101"].name == "Maple Lodge"
    assert count(store, Provider) == 2


def test_line_numbers_count_physical_lines_inside_quoted_cells(store, write_csv):
    rows = ['SC700101,Children\'s home,Active,Private,"Maple\nLodge",,,Rochester,,ME1 2DQ,Medway,4,X,,',
            "SC99,Children's home,Active,Private,Bad,,,,,,,,,,"]
    report = import_providers(store, write_csv(csv_text(*rows)))
    assert report.added == 1 and report.skipped[0].line == 4
    assert providers(store)["SC700101"].name == "Maple Lodge"


def test_reimport_updates_and_never_duplicates(store, write_csv):
    import_providers(store, write_csv(csv_text(*GOOD_ROWS)))
    again = import_providers(store, write_csv(csv_text(*GOOD_ROWS)))
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)
    changed = GOOD_ROWS[0].replace("14/05/2024,Good", "20/10/2026,Outstanding")
    third = import_providers(store, write_csv(csv_text(changed, *GOOD_ROWS[1:])))
    assert (third.added, third.updated, third.unchanged) == (0, 1, 2)
    assert providers(store)["SC700101"].judgement is Judgement.OUTSTANDING
    assert count(store, Provider) == 3 and count(store, Setting) == 3


def test_reimport_never_loses_what_is_already_known(store, write_csv):
    import_providers(store, write_csv(csv_text(*GOOD_ROWS)))
    with store.write() as changes:
        maple = changes.session.scalars(select(Provider).where(Provider.urn == "SC700101")).one()
        changes.update(maple, notes="Manager changed in May.", contract_route=ContractRoute.FRAMEWORK)
    blanked = ("SC700101,Children's home,Active,Private,REDACTED,REDACTED,,Rochester,Kent,ME1 2DQ,Medway,NULL,"
               "Evergreen Care Homes Ltd,NULL,NULL")
    report = import_providers(store, write_csv(csv_text(blanked)))
    assert report.unchanged == 1
    maple = providers(store)["SC700101"]
    assert maple.name == "Maple Lodge" and maple.judgement is Judgement.GOOD and maple.capacity == 4
    assert maple.notes == "Manager changed in May." and maple.contract_route is ContractRoute.FRAMEWORK


def test_rows_without_urn_match_on_name_and_postcode(store, write_csv):
    text = ("Name,Service type,Town,Postcode\n"
            "Lantern House,Unregulated placement,Strood,ME2 4DR\n"
            "No Postcode House,Unregulated placement,Strood,\n")
    first = import_providers(store, write_csv(text))
    assert first.added == 1 and "no URN and no postcode" in first.skipped[0].reason
    second = import_providers(store, write_csv(text.replace("ME2 4DR", "me24dr")))
    assert (second.added, second.unchanged) == (0, 1)


def test_two_laptops_importing_the_same_file_make_the_same_rows(tmp_path, write_csv):
    path = write_csv(csv_text(*GOOD_ROWS))
    ids = []
    for laptop in ("a", "b"):
        store = Store(tmp_path / laptop)
        import_providers(store, path)
        with store.read() as session:
            ids.append(sorted(session.scalars(select(Provider.id)).all() + session.scalars(select(Setting.id)).all()))
    assert ids[0] == ids[1]


def test_progress_is_reported(store, write_csv):
    seen = []
    import_providers(store, write_csv(csv_text(*GOOD_ROWS)), progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 3) and seen[-1] == (3, 3)


@pytest.mark.parametrize(("content", "message"), [
    (b"PK\x03\x04\x00\x00binary", "damaged"),
    (b"just,some,columns\n1,2,3\n", "no header row"),
    (b"URN,Name\nSC700101,Maple\n", "Provision type"),
    (b'URN,Provision type,Name\nSC700101,"Children\'s home,Maple\n', None),
])
def test_files_that_cannot_be_imported_say_why_and_change_nothing(store, write_csv, tmp_path, content, message):
    import_providers(store, write_csv(csv_text(GOOD_ROWS[0]), name="ok.csv"))
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    if message is None:  # an unterminated quote swallows the rest of the file: one bad row, nothing lost
        report = import_providers(store, path)
        assert report.added == 0 and report.skipped[0].line == 2
    else:
        with pytest.raises(ImportFileError, match=message):
            import_providers(store, path)
    assert count(store, Provider) == 1


def test_missing_file_is_a_clear_error(store, tmp_path):
    with pytest.raises(ImportFileError, match="no such file"):
        import_providers(store, tmp_path / "nope.csv")


def test_absurd_places_are_a_skipped_row_not_a_crash(store, write_csv):
    """Found by the hypothesis bad-input test: a 30-digit "Places" overflowed SQLite's integer."""
    from qa_desktop.services.provider_import import import_providers
    header = ("URN,Provision type,Registration status,Sector,Name,Address 1,Address 2,Town,County,Postcode,"
              "Local authority,Places")
    path = write_csv(name="places.csv", text="\n".join([
        header, "SC900001,Children's home,Active,Private,Oak House,1 High St,,Chatham,Kent,ME4 4AA,Medway," + "9" * 30,
        "SC900002,Children's home,Active,Private,Elm House,2 High St,,Chatham,Kent,ME4 4AB,Medway,nan",
        "SC900003,Children's home,Active,Private,Ash House,3 High St,,Chatham,Kent,ME4 4AC,Medway,inf",
        "SC900004,Children's home,Active,Private,Yew House,4 High St,,Chatham,Kent,ME4 4AD,Medway,4"]))
    report = import_providers(store, path)
    assert report.added == 1 and [s.line for s in report.skipped] == [2, 3, 4]
    assert "more than any one provider has" in report.skipped[0].reason


def test_a_closed_registration_puts_the_provider_on_the_sanctions_list_as_ceased(store, write_csv):

    from qa_desktop.services.provider_import import import_providers
    from qa_desktop.services.sanctions import Sanction, sanctions_list
    header = "URN,Provision type,Registration status,Name,Town,Postcode"
    import_providers(store, write_csv(name="a.csv", text=f"{header}\nSC900010,Children's home,Resigned,Birch House,"
                                                          "Chatham,ME4 4AA"))
    with store.read() as session:
        (row,) = sanctions_list(session, TODAY)
    assert row.sanction is Sanction.CEASED_OPERATING and row.provider == "Birch House" and row.since == TODAY
    import_providers(store, write_csv(name="b.csv", text=f"{header}\nSC900010,Children's home,Active,Birch House,"
                                                          "Chatham,ME4 4AA"))
    with store.read() as session:
        assert sanctions_list(session, TODAY) == []  # registered again


def test_a_row_over_the_limit_refuses_the_file_before_anything_is_written(store, write_csv, monkeypatch):
    from qa_desktop.services import provider_files

    monkeypatch.setattr(provider_files, "MAX_ROW_CHARS", 300)
    long_row = "SC700130,Children's home,Active,Private,Long," + "x" * 400 + ",,Chatham,,ME4 1AA,Medway,2,X,,"
    quoted = 'SC700131,Children\'s home,Active,Private,"' + "a line\n" * 60 + '",,,Chatham,,ME4 1AA,Medway,2,X,,'
    for rows, line in (([*GOOD_ROWS, long_row], 5), ([GOOD_ROWS[0], quoted, GOOD_ROWS[1]], 3)):
        with pytest.raises(ImportFileError) as raised:
            import_providers(store, write_csv(csv_text(*rows), name="long.csv"))
        message = str(raised.value)
        assert message.startswith(f"long.csv: line {line}: a row is longer than 300 characters"), message
        assert "nothing was imported" in message
        assert count(store, Provider) == 0  # not even the good rows before it


def test_rows_are_written_in_batches_and_a_repeat_in_a_later_batch_is_still_found(store, write_csv, monkeypatch):
    from qa_desktop.services import provider_import

    monkeypatch.setattr(provider_import, "BATCH_SIZE", 2)
    rows = [*GOOD_ROWS, "", "SC700140,Children's home,Active,Private,Birch,,,Chatham,,ME4 1AB,Medway,2,X,,",
            GOOD_ROWS[0].replace("Maple Lodge", "Maple again"),
            "Lantern,Children's home,Active,Private,Lantern House,,,Strood,,ME2 4DR,Medway,2,X,,"]
    seen = []
    report = import_providers(store, write_csv(csv_text(*rows)),
                              progress=lambda done, total: seen.append((done, total)))
    assert (report.added, report.updated, report.unchanged, report.repeated) == (4, 0, 0, 1)
    reasons = {s.line: s.reason for s in report.skipped}
    assert 7 not in reasons  # SC700101 again, no later inspection: counted as a repeat, line 2 is used
    assert "Lantern" in reasons[8]  # a bad URN: skipped with its line
    assert providers(store)["SC700101"].name == "Maple Lodge" and count(store, Provider) == 4
    assert seen[0] == (0, 7) and seen[-1] == (7, 7) and seen == sorted(seen)


def test_skipped_rows_past_the_listed_ones_are_counted(store, write_csv, monkeypatch):
    from qa_desktop.services import provider_import

    monkeypatch.setattr(provider_import, "MAX_SKIPPED_LISTED", 2)
    bad = [f"SC{n},Children's home,Active,Private,Bad {n},,,,,,,,,," for n in range(1, 6)]
    report = import_providers(store, write_csv(csv_text(GOOD_ROWS[0], *bad), name="bad.csv"))
    assert [s.line for s in report.skipped] == [3, 4] and report.unlisted == 3 and report.skipped_total == 5
    assert report.rows == 6
    assert report.summary() == "bad.csv: 1 added, 0 updated, 0 unchanged, 5 skipped (the first 2 listed)"


def test_the_encoding_is_found_from_the_whole_file_a_chunk_at_a_time(store, write_csv, monkeypatch):
    from qa_desktop.services import provider_files

    monkeypatch.setattr(provider_files, "_CHUNK", 16)
    late = "SC700150,Children's home,Active,Private,Zo\u00eb House,,,Chatham,,ME4 6SE,Medway,2,X,,"
    cp1252 = import_providers(store, write_csv(csv_text(*GOOD_ROWS, late), name="a.csv", encoding="cp1252"))
    assert cp1252.encoding == "cp1252" and providers(store)["SC700150"].name == "Zo\u00eb House"
    utf8 = import_providers(store, write_csv(csv_text(*GOOD_ROWS, late.replace("Zo\u00eb", "Zo\u00eb\u2019s")),
                                             name="b.csv"))
    assert utf8.encoding == "utf-8" and providers(store)["SC700150"].name == "Zo\u00eb\u2019s House"


def test_every_skipped_row_is_written_to_the_list_file_while_the_report_keeps_the_first(store, write_csv,
                                                                                       monkeypatch, tmp_path):
    from qa_desktop.services import provider_import

    monkeypatch.setattr(provider_import, "MAX_SKIPPED_LISTED", 2)
    bad = [f"SC{n},Children's home,Active,Private,Bad {n},,,,,,,,,," for n in range(1, 6)]
    source = write_csv(csv_text(GOOD_ROWS[0], *bad), name="bad.csv")
    unwritable = tmp_path / "not-a-folder"
    unwritable.write_text("a file, so nothing can be written under it")
    report = import_providers(store, source, skipped_lists=[unwritable / "list.txt", tmp_path / "list.txt"])
    assert report.skipped_list == tmp_path / "list.txt" and report.skipped_list_problem is None
    lines = (tmp_path / "list.txt").read_text("utf-8").splitlines()
    assert lines[0] == "Rows skipped when importing bad.csv (line: reason)"
    assert [line.split(":")[0] for line in lines[1:]] == [f"line {n}" for n in range(3, 8)]  # all five
    assert len(report.skipped) == 2 and report.unlisted == 3

    clean = import_providers(store, write_csv(csv_text(*GOOD_ROWS), name="good.csv"),
                             skipped_lists=[tmp_path / "good-list.txt"])
    assert clean.skipped_list is None and not (tmp_path / "good-list.txt").exists()  # nothing skipped, no file
    nowhere = import_providers(store, source, skipped_lists=[unwritable / "list.txt"])
    assert nowhere.skipped_list is None and "could not be written" in nowhere.skipped_list_problem


def test_the_register_as_a_re_import_reads_it_is_what_the_orm_reads(store, write_csv):
    """A re-import reads the providers, settings and alerts the file's rows match through plain rows
    (``_plain_rows``): each value as an ORM read gives it (enums, dates, flags, blanks)."""
    from qa_desktop.services.provider_import import _PROVIDER_COLUMNS, _SETTING_COLUMNS, _plain_rows
    from qa_desktop.store.models import RegulatoryAlert

    import_providers(store, write_csv(csv_text(*GOOD_ROWS, GOOD_ROWS[0].replace("SC700101", "SC700103")
                                               .replace(",Good", ",Inadequate"))))
    with store.write() as changes:
        session = changes.session
        for model, columns, where in ((Provider, _PROVIDER_COLUMNS, "urn"), (Setting, _SETTING_COLUMNS, "provider_id"),
                                      (RegulatoryAlert, ("id", "provider_id", "kind", "received_on", "effective_on",
                                                         "closed_on", "deleted"), "provider_id")):
            table = model.__table__
            keys = sorted({getattr(row, where) for row in session.scalars(select(model))})
            expected = sorted((dict(r._mapping) for r in session.execute(select(*(table.c[n] for n in columns)))),
                              key=lambda r: r["id"])
            found = sorted(_plain_rows(changes, table, columns, where, keys), key=lambda r: r["id"])
            assert found == expected and len(found) >= 1
            assert [type(v) for r in found for v in r.values()] == [type(v) for r in expected for v in r.values()]


def test_how_recent_an_inspection_is_reads_a_placeholder_as_no_date():
    from qa_desktop.domain.text import BLANK_MARKERS
    from qa_desktop.services.provider_rows import day_number

    assert all(day_number(f" {marker.upper()} ") == day_number(marker) == 0 for marker in BLANK_MARKERS)
    assert day_number("14/05/2024") == day_number("2024-05-14") == day_number("14.05.2024") == 20240514
    assert day_number("last May") == day_number(None) == 0


def test_the_cycle_collector_leaves_older_objects_alone_only_while_an_import_runs(store, write_csv, tmp_path):
    """``gc.freeze`` while the import runs (``_older_objects_left_alone``), undone when it ends or stops,
    and not touched when something else had frozen objects (undoing it would unfreeze theirs)."""
    import gc

    path = write_csv(csv_text(*GOOD_ROWS))
    during: list[int] = []
    import_providers(store, path, progress=lambda done, total: during.append(gc.get_freeze_count()))
    assert during[0] > 0 and gc.get_freeze_count() == 0  # (the last is said after the import)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"just,some,columns\n1,2,3\n")
    with pytest.raises(ImportFileError):
        import_providers(store, bad)
    assert gc.get_freeze_count() == 0
    gc.freeze()
    try:
        import_providers(store, path)
        assert gc.get_freeze_count() > 0  # still frozen (less what was freed since)
    finally:
        gc.unfreeze()


def test_every_kind_of_row_of_an_import_is_the_same_whoever_writes_it(tmp_path):
    """The rows, the ops (read as fields), the change report and the alerts of an Ofsted file of every
    kind of provider, imported into two stores: alike apart from the ids and times that differ between
    laptops, and each store's chain verifies (every op's value hash over its canonical text): what the
    bulk path's shortcuts (values converted once, row ops' text built a field at a time, NULL written
    for empty columns) must keep."""
    import json

    from qa_desktop.store import chain, oplog
    from qa_desktop.store.models import Op, ProviderImportChanges, RegulatoryAlert
    from tests.ofsted_files import write_provider_level

    path = write_provider_level(tmp_path / "ofsted.csv", 300)
    seen = []
    for name in ("one", "two"):
        store = Store(tmp_path / name, actor="alex")
        report = import_providers(store, path)
        with store.read() as session:
            ops = sorted((o.entity, o.entity_id if o.entity != ProviderImportChanges.__tablename__ else "", o.field,
                          json.dumps(o.value, sort_keys=True))  # (an import's own record and report: ids of its own)
                         for row in session.execute(select(Op.__table__).where(Op.entity != "provider_imports"))
                         for o in oplog.expand(oplog.op_record(row)) if o.field != "import_id")
            rows = {model.__tablename__: sorted(
                tuple(v for c, v in r._mapping.items() if c not in ("created_at", "updated_at", "device_id", "id",
                                                                      "import_id"))
                for r in session.execute(select(model.__table__))) for model in (Provider, Setting, RegulatoryAlert)}
            lines = [json.dumps(e) for c in session.scalars(select(ProviderImportChanges)
                                                            .order_by(ProviderImportChanges.position))
                     for e in c.entries]
            assert not chain.verify(session, store.device_id, lambda op: False).findings
        seen.append((report.summary(), report.alerts, report.changes, ops, rows, lines))
    assert seen[0] == seen[1]
    summary, alerts, changes, ops, rows, lines = seen[0]
    assert " added, 0 updated, 0 unchanged" in summary and len(ops) > len(rows["providers"])
    assert alerts > 0 and changes == len(lines) > 300 and len(rows["regulatory_alerts"]) == alerts


def test_a_provider_listed_twice_is_one_provider_however_its_urn_is_written(store, write_csv):
    """The first pass takes a URN already in its normal form as the row's key as it is: a provider listed
    again with its URN in lower case and spaced out (or as a spreadsheet's number) is the same key, and the
    row of the later full inspection is the one used, wherever it is and however its URN is written."""
    home, ifa = "Children's home,Active,Private,Maple Lodge,,,Rochester,,ME1 2DQ,Medway,4,X", \
        "Independent fostering agency,Active,Private,Kindred,,,Chatham,,ME4 4AB,Medway,,X"
    rows = [f"SC700101,{home},14/05/2022,Good", f" sc 700101 ,{home},14/05/2024,Inadequate",
            f"1234567.0,{ifa},11/11/2023,Good", f"1234567,{ifa},11/11/2022,Good"]
    report = import_providers(store, write_csv(csv_text(*rows)))
    assert (report.added, report.repeated, report.skipped_total) == (2, 2, 0)
    found = providers(store)
    assert found["SC700101"].judgement is Judgement.INADEQUATE
    assert found["SC700101"].judgement_date == dt.date(2024, 5, 14)
    assert found["1234567"].judgement_date == dt.date(2023, 11, 11)


def test_new_providers_with_the_same_facts_but_one_are_each_asked_what_section_12_needs(store, write_csv):
    """Section 12 is not asked again about a new provider whose facts (regulator, judgement, its date, status)
    an earlier new provider of the import had and raised nothing for; any fact that differs is asked
    about: the suspended one and the inadequate one each raise their alert, the two alike raise none."""
    from qa_desktop.domain.oversight import AlertKind
    from qa_desktop.store.models import RegulatoryAlert

    row = "{urn},Children's home,{status},Private,Home {urn},,,Chatham,,ME4 1AB,Medway,2,X,14/05/2024,{judgement}"
    rows = [row.format(urn=f"SC70020{n}", status=status, judgement=judgement) for n, (status, judgement) in enumerate(
        [("Active", "Good"), ("Suspended", "Good"), ("Active", "Good"), ("Active", "Inadequate")])]
    report = import_providers(store, write_csv(csv_text(*rows)))
    assert (report.added, report.alerts) == (4, 2)
    with store.read() as session:
        raised = {(session.get(Provider, a.provider_id).urn, a.kind) for a in session.scalars(select(RegulatoryAlert))}
    assert raised == {("SC700201", AlertKind.SUSPENSION), ("SC700203", AlertKind.INADEQUATE)}


@pytest.mark.parametrize("held", [100_000, 25, 0])
def test_the_first_pass_keeps_per_key_the_first_row_of_its_latest_full_inspection(monkeypatch, held):
    """``_Keys``: per key, the line of its first row of the highest rank and how many rows it has, whether
    the keys stay in memory, move to their table part way through the file, or are all in the table."""
    import random

    from qa_desktop.services import provider_import

    monkeypatch.setattr(provider_import, "MAX_KEYS_HELD", held)
    rng = random.Random(5)
    rows = [(rng.randrange(60), line, rng.choice([0, 0, 100_020_230_101, 100_020_240_101])) for line in range(2, 200)]
    expected: dict[int, tuple[int, int, int]] = {}
    for digest, line, rank in rows:
        first, best, count = expected.get(digest, (line, rank, 0))
        expected[digest] = (line, rank, count + 1) if rank > best else (first, best, count + 1)
    keys = provider_import._Keys()
    for row in rows:
        keys.add(*row)
    keys.flush()
    assert {digest: keys.winner(digest) for digest in expected} == {d: (e[0], e[2]) for d, e in expected.items()}
    assert keys.repeated() and keys.winner(99) is None
    assert keys.lines() == ({d: e[0] for d, e in expected.items()} if held >= len(expected) else None)
    keys.close()
