"""The register's search rule, shared by the window (in memory) and the command line."""

from qa_desktop.services.register_filter import RegisterFilter, search_text


def test_words_are_found_in_any_field_postcodes_without_their_space():
    text = search_text("Harbour View", "Harbourlight Ltd", "SC700102", [("x", "Harbour View", "Rochester", "ME2 4UX")])
    assert "me24ux" in text and "rochester" in text and "\n" in text


def test_one_more_letter_narrows_a_changed_filter_does_not():
    assert RegisterFilter("roch").narrows(RegisterFilter("roc"))
    assert RegisterFilter("roc ma").narrows(RegisterFilter("roc"))
    assert not RegisterFilter("ro").narrows(RegisterFilter("roc"))
    assert not RegisterFilter("roch", local_authority="Kent").narrows(RegisterFilter("roc"))
