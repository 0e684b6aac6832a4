"""Issue 17: the change report of an import, the alerts it raised and the team's owner names are
records like any other: another laptop receives them whole, and a laptop importing the same file
meets the first on the same rows."""

from __future__ import annotations

from qa_desktop.domain.oversight import AlertKind
from qa_desktop.services.import_changes import change_lines, import_history
from qa_desktop.services.oversight import open_alerts
from qa_desktop.services.provider_import import import_providers
from qa_desktop.services.team_settings import internal_owners, set_internal_owners
from qa_desktop.sync.engine import sync
from tests.ofsted_files import PROVIDER_LEVEL, later_rows, provider_level_rows, write_csv
from tests.sync.conftest import snapshot


def test_an_import_its_change_report_and_its_alerts_reach_the_other_laptops(laptops, folder, tmp_path):
    alex, jo = laptops("alex", "jo")
    set_internal_owners(alex, ["Medway Council"])
    import_providers(alex, write_csv(tmp_path / "a.csv", PROVIDER_LEVEL, provider_level_rows(80)),
                     council_owners=["Medway Council"])
    later = import_providers(alex, write_csv(tmp_path / "b.csv", PROVIDER_LEVEL, later_rows(80)),
                             council_owners=["Medway Council"])
    sync(alex, folder)
    sync(jo, folder)
    assert snapshot(jo) == snapshot(alex)
    with alex.read() as session:
        alex_lines = list(change_lines(session, later.import_id))
        alex_alerts = open_alerts(session)
    with jo.read() as session:
        assert [r.file_name for r in import_history(session)] == ["b.csv", "a.csv"]
        assert list(change_lines(session, later.import_id)) == alex_lines and alex_lines
        assert sorted(open_alerts(session), key=lambda a: a.id) == sorted(alex_alerts, key=lambda a: a.id)
        assert any(a.kind is AlertKind.INADEQUATE for a in open_alerts(session))
        assert internal_owners(session) == ("Medway Council",)


def test_two_laptops_importing_the_same_file_meet_on_the_same_providers_and_alerts(laptops, folder, tmp_path):
    alex, jo = laptops("alex", "jo")
    path = write_csv(tmp_path / "a.csv", PROVIDER_LEVEL, provider_level_rows(60))
    for laptop in (alex, jo):
        import_providers(laptop, path)
    sync(alex, folder), sync(jo, folder), sync(alex, folder)
    assert snapshot(jo) == snapshot(alex)
    with alex.read() as session:
        alone = len(open_alerts(session))
    with jo.read() as session:
        assert len(import_history(session)) == 2  # two imports, kept
        merged = open_alerts(session)
    # the same alerts (ids derived from provider, kind and inspection): one each, not two side by side
    assert len(merged) == alone and len({(a.provider_id, a.kind) for a in merged}) == len(merged)
    assert {a.kind for a in merged} <= {AlertKind.POOR_JUDGEMENT, AlertKind.INADEQUATE, AlertKind.SUSPENSION}
