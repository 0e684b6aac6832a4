"""The register at start shows the rows in the order ``register.search`` gives them (by name), which
is the Name column's sort order: its proxy takes them as they are rather than sort 20,000 rows
through Python (issue 22). A change to some rows, or another column, sorts as before."""

from __future__ import annotations

from PySide6.QtCore import Qt

from qa_desktop.ui.provider_table import ProviderTableModel
from qa_desktop.ui.register_proxy import RegisterProxy
from tests.conftest import OFSTED_HEADER

NAMES = ["apple House", "Ápple court", "Banana Lodge", "banana lodge", "Zeta", "zeta Annexe", "Éclair Home",
         "eclair home", "10 Downing", "9 Elms", "Ørsted", "ash", "Ash Tree", "ASH TREE 2"]


def test_rows_by_name_are_shown_as_a_sort_by_name_would_order_them(workspace, tmp_path):
    lines = [OFSTED_HEADER] + [f"SC{500000 + n},Children's home,Active,Private,{name},1 Road,,Town,Kent,ME1 1AA,"
                               f"Medway,2,Owner Ltd,01/02/2024,Good" for n, name in enumerate(NAMES)]
    (tmp_path / "names.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    workspace.register.import_providers(tmp_path / "names.csv")
    rows = workspace.register.search()

    as_they_come = ProviderTableModel()
    as_they_come.set_rows(rows, in_name_order=True)
    taken = RegisterProxy(as_they_come)
    taken.sort(0, Qt.SortOrder.AscendingOrder)
    sorted_again = ProviderTableModel()
    sorted_again.set_rows(rows)  # not said to be in order: the proxy sorts them itself
    sorted_proxy = RegisterProxy(sorted_again)
    sorted_proxy.sort(0, Qt.SortOrder.AscendingOrder)

    def shown(proxy: RegisterProxy) -> list[str]:
        return [proxy.data(proxy.index(n, 0)) for n in range(proxy.rowCount())]

    assert shown(taken) == shown(sorted_proxy) and len(shown(taken)) == len(NAMES)
    taken.sort(0, Qt.SortOrder.DescendingOrder)
    sorted_proxy.sort(0, Qt.SortOrder.DescendingOrder)
    assert shown(taken) == shown(sorted_proxy)

    as_they_come.update_rows([rows[0].id], [rows[0]])  # a change: the order is the proxy's to work out again
    taken.sort(0, Qt.SortOrder.AscendingOrder)
    sorted_proxy.sort(0, Qt.SortOrder.AscendingOrder)
    assert not as_they_come.in_name_order and shown(taken) == shown(sorted_proxy)
