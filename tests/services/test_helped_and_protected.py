"""Ofsted's "How well children and young people are helped and protected" is kept on import and shown
on the provider page and by `qa-desktop provider` (issue 21)."""

from qa_desktop.cli import main
from qa_desktop.workspace import Workspace

HEADER = ("URN,Provision type,Registration status,Name,Town,Postcode,Local authority,Latest full inspection date,"
          "Overall experiences and progress of children and young people,"
          "How well children and young people are helped and protected")


def test_the_sub_judgement_is_kept_and_shown(store, write_csv, capsys):
    workspace = Workspace(store)
    row = "SC700901,Children's home,Active,Oak House,Chatham,ME4 4AA,Medway,01/03/2026,Good,"
    path = write_csv("\n".join([HEADER, row + "Requires improvement to be good"]))
    workspace.register.import_providers(path)
    page = workspace.register.page(workspace.register.resolve("SC700901"))
    facts = dict(page.facts)
    assert facts["Helped and protected"] == "Requires improvement" and facts["Latest judgement"].startswith("Good")
    again = write_csv("\n".join([HEADER, row + "NULL"]), "again.csv")
    workspace.register.import_providers(again)  # a placeholder never clears what is known
    assert dict(workspace.register.page(page.id).facts)["Helped and protected"] == "Requires improvement"
    data_dir = str(store.data_dir)
    store.close()
    assert main(["provider", "SC700901", "--data-dir", data_dir]) == 0
    assert "Helped and protected" in capsys.readouterr().out
