"""The provider page's facts: two columns of plain labels, reused from provider to provider; a
provider with fewer facts leaves none of the last one's on screen."""

from PySide6.QtWidgets import QLabel

from qa_desktop.ui.facts_grid import FactsGrid


def shown_pairs(grid: FactsGrid) -> list[tuple[str, str]]:
    labels = [label for label in grid.findChildren(QLabel) if label.isVisibleTo(grid)]
    by_place = sorted(labels, key=lambda label: (grid._grid.getItemPosition(grid._grid.indexOf(label))[1] // 3,
                                                 grid._grid.getItemPosition(grid._grid.indexOf(label))[0],
                                                 grid._grid.getItemPosition(grid._grid.indexOf(label))[1]))
    return [(by_place[n].text(), by_place[n + 1].text()) for n in range(0, len(by_place), 2)]


def test_facts_in_two_columns_reused_and_none_left_over(qtbot):
    grid = FactsGrid()
    qtbot.addWidget(grid)
    grid.show()
    many = [("URN", "SC100004"), ("Service type", "Residential"), ("Owned by", "Owner 4 Ltd"),
            ("Registration", "Active"), ("Places", "5")]
    grid.set_facts(many)
    assert shown_pairs(grid) == many  # the first three down the left, the rest down the right
    made = set(map(id, grid.findChildren(QLabel)))
    fewer = [("URN", "SC100005"), ("Service type", "Secure Unit")]
    grid.set_facts(fewer)
    assert shown_pairs(grid) == fewer
    assert set(map(id, grid.findChildren(QLabel))) == made  # no label made again
    assert grid.text() == "URN: SC100005\nService type: Secure Unit"
    value = next(label for label in grid.findChildren(QLabel) if label.text() == "SC100005")
    assert value.accessibleName() == "URN"  # a screen reader says which fact
    grid.clear()
    assert shown_pairs(grid) == [] and grid.text() == ""
