"""The register's proxy remembers what recent searches kept (a key deleted shows the shorter
search's rows without looking at a row; one more letter narrows what a shorter search kept). Held
against a full recompute over every row, through typing, deleting, filters, sorts and rows changed,
added and removed: the same rows, in the same order, every time."""

from __future__ import annotations

import itertools

from hypothesis import example, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt

from qa_desktop.domain.service_types import ServiceType
from qa_desktop.services.register_filter import search_text
from qa_desktop.services.register_rows import ProviderRow
from qa_desktop.ui.provider_table import ProviderTableModel
from qa_desktop.ui.register_proxy import RegisterProxy
from qa_desktop.workspace.register import RegisterFilter

WORDS = ["ab", "ba", "abba", "b", "a c", "ca"]
AUTHORITIES = [None, "Kent", "Medway"]
_ids = itertools.count()


def _row(name: str, town: str, authority: str | None, n: int | None = None) -> ProviderRow:
    number = next(_ids) if n is None else n
    return ProviderRow(id=f"p{number}", name=name, urn=f"SC{number:06d}", service_type=ServiceType.RESIDENTIAL,
                       organisation=None, judgement=None, tier=None, towns=town, postcodes="", settings=1,
                       registration_status=None, local_authority=authority,
                       search_text=search_text(name, None, f"SC{number:06d}", [(None, None, town, None)]))


rows_strategy = st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(WORDS), st.sampled_from(AUTHORITIES)),
                         min_size=0, max_size=25)
_typing = st.one_of(st.tuples(st.just("type"), st.sampled_from("abc ")), st.tuples(st.just("delete")))
step = st.one_of(
    _typing, _typing, _typing,  # most steps are keys typed or deleted
    st.tuples(st.just("text"), st.sampled_from(["", "a", "ab", "b a", "abba", "c"])),
    st.tuples(st.just("authority"), st.sampled_from(AUTHORITIES)),
    st.tuples(st.just("sort"), st.sampled_from([-1, 0, 9]), st.booleans()),
    st.tuples(st.just("change"), st.integers(0, 30), st.sampled_from(WORDS), st.booleans()),
    st.tuples(st.just("remove"), st.integers(0, 30)),
    st.tuples(st.just("add"), st.sampled_from(WORDS), st.sampled_from(WORDS)),
)


def _full_recompute(model: ProviderTableModel, column: int, descending: bool, wanted: RegisterFilter) -> list[int]:
    fresh = RegisterProxy(model)
    if column >= 0:
        fresh.sort(column, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder)
    fresh.set_filter(wanted)
    return fresh.source_rows()


@settings(max_examples=100, deadline=None)
@given(rows_strategy, st.lists(step, min_size=1, max_size=25))
@example([("ab", "ca", None), ("ba", "b", "Kent"), ("abba", "a c", None)],
         [("type", "a"), ("type", "b"), ("sort", 0, True), ("delete",), ("delete",)])
@example([("ab", "ca", None), ("ba", "b", "Kent")],
         [("type", "a"), ("type", "b"), ("change", 0, "ca", False), ("delete",)])
def test_kept_searches_show_what_a_full_recompute_shows(qapp, start, steps):
    model = ProviderTableModel()
    model.set_rows([_row(name, town, authority) for name, town, authority in start])
    proxy = RegisterProxy(model)
    text, authority, column, descending = "", None, -1, False
    for action, *args in steps:
        if action == "type":
            text += args[0]
        elif action == "delete":
            text = text[:-1]
        elif action == "text":
            text = args[0]
        elif action == "authority":
            authority = args[0]
        elif action == "sort":
            column, descending = args
            proxy.sort(column, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder)
        elif action in ("change", "remove") and model.rows:
            old = model.rows[args[0] % len(model.rows)]
            number = int(old.id[1:])
            if action == "change":
                model.update_rows([old.id], [_row(args[1], old.towns, old.local_authority, number)])
                if args[2]:
                    proxy.refilter()  # as the window does after a change; or not yet, before the next key
            else:
                model.update_rows([old.id], [])
        elif action == "add":
            new = _row(args[0], args[1], authority)
            model.update_rows([new.id], [new])
        wanted = RegisterFilter(text, local_authority=authority)
        proxy.set_filter(wanted)
        expected = _full_recompute(model, column, descending, wanted)
        assert proxy.source_rows() == expected
        assert set(expected) == {n for n, row in enumerate(model.rows) if wanted.accepts(row)}
        assert [proxy.data(proxy.index(n, 0)) for n in range(proxy.rowCount())] == [model.rows[n].name
                                                                                  for n in expected]


def test_cells_are_the_sources_flags_and_roles_it_never_sets_are_blank(qapp):
    model = ProviderTableModel()
    model.set_rows([_row("Abba House", "Rochester", "Medway"), _row("Baa Lodge", "Chatham", None)])
    proxy = RegisterProxy(model)
    proxy.set_filter(RegisterFilter("a"))
    for row in range(proxy.rowCount()):
        for column in range(proxy.columnCount()):
            index = proxy.index(row, column)
            assert proxy.flags(index) == model.flags(proxy.mapToSource(index))
            for role in Qt.ItemDataRole:
                assert proxy.data(index, role) == model.data(proxy.mapToSource(index), role), role
    assert proxy.flags(proxy.index(5, 0)) == model.flags(model.index(5, 0))  # no such row: no flags
