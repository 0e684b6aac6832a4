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


def test_the_command_line_filters_by_local_authority(store, capsys):
    from qa_desktop.cli import main
    from qa_desktop.services.demo import load_demo
    from tests.conftest import TODAY

    load_demo(store, today=TODAY)
    data_dir = str(store.data_dir)
    store.close()
    assert main(["providers", "--local-authority", "Kent", "--data-dir", data_dir]) == 0
    out = capsys.readouterr().out
    assert "Northgate Secure Unit" in out and "Riverside School" in out and "Maple Lodge" not in out
    assert out.rstrip().endswith("2 providers")
