"""The ops an import writes in bulk (``Changes.create_many``/``update_many``) take their places in the
importing laptop's hash chain like any other (``store.chain``): otherwise a laptop that already holds
that laptop's earlier changes refuses them as forged, and ``audit --verify`` names them."""

from __future__ import annotations

from qa_desktop.services.audit import verify_log
from qa_desktop.services.provider_import import import_providers
from qa_desktop.sync.engine import sync
from tests.ofsted_files import PROVIDER_LEVEL, later_rows, provider_level_rows, write_csv
from tests.sync.conftest import make_visit, snapshot


def test_an_import_after_earlier_changes_reaches_a_laptop_that_holds_them_and_the_log_checks(
        laptops, folder, library, tmp_path):
    alex, jo = laptops("alex", "jo")
    make_visit(alex, library)  # alex's chain has begun, and jo holds its start
    sync(alex, folder), sync(jo, folder)
    import_providers(alex, write_csv(tmp_path / "a.csv", PROVIDER_LEVEL, provider_level_rows(40)))
    import_providers(alex, write_csv(tmp_path / "b.csv", PROVIDER_LEVEL, later_rows(40)))  # updates too
    sync(alex, folder)
    report = sync(jo, folder)
    assert not [p for p in report.problems if "forged" in p or "chain" in p], report.problems
    assert snapshot(jo) == snapshot(alex)
    for laptop in (alex, jo):
        with laptop.read() as session:
            check = verify_log(session, laptop.device_id)
        assert check.findings == () and check.unchained == 0, check.summary()
