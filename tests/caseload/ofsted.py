"""A small register imported from a file in Ofsted's provider-level layout (the header of
``tests.conftest.OFSTED_HEADER``), as the team starts on real data: never the demo loader.

Fictional rows: children's homes, an independent fostering agency, a residential family centre, a
secure children's home, supported accommodation, a residential special school and a residential
holiday scheme (short breaks), with Ofsted's redacted names and NULLs."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import OFSTED_HEADER

ROWS = [
    ("SC800001,Children's home,Active,Private,Maple Lodge,12 Maple Grove,,Rochester,Kent,ME1 2DQ,Medway,4,"
    "Evergreen Care Homes Ltd,14/05/2024,Good"),
    ("SC800002,Children's home,Active,Private,Harbour View,3 Quayside Walk,Upnor,Rochester,Kent,ME2 4UX,Medway,3,"
    "Harbourlight Children's Services Ltd,02/10/2023,Requires improvement to be good"),
    ("SC800003,Children's home,Active,Private,REDACTED,REDACTED,,Chatham,Kent,ME4 6PZ,Medway,2,"
    "Brightpath Residential Ltd,21/01/2025,Outstanding"),
    ("SC800004,Independent fostering agency,Active,Private,Kindred Fostering,Unit 4 Dockside,,Chatham,Kent,ME4 4AB,"
    "Medway,NULL,Kindred Fostering Ltd,11/11/2022,Good"),
    ("SC800005,Residential family centre,Active,Private,Cedar Family Centre,5 Cedar Close,,Strood,Kent,ME2 3HF,"
    "Medway,3,Cedar Family Assessments Ltd,19/06/2023,Good"),
    ("SC800006,Secure children's home,Active,Local authority,Northgate Secure Unit,Northgate,,Canterbury,Kent,"
    "CT1 1WZ,Kent,12,Kent Secure Services,30/09/2024,Good"),
    ("SC800007,Supported accommodation,Active,Private,Stepping Stones,27 High Street,,Rainham,Kent,ME8 7HS,Medway,6,"
    "Stepping Stones Housing CIC,NULL,NULL"),
    ("SC800008,Residential special school,Active,Independent,Riverside School,Riverside Lane,,Maidstone,Kent,"
    "ME15 9QT,Kent,38,Riverside Education Trust,07/03/2024,Good"),
    ("SC800009,Residential holiday scheme for disabled children,Active,Voluntary,Seaside Breaks,1 Promenade,,"
    "Margate,Kent,CT9 1AA,Kent,8,Seaside Trust,01/07/2024,Good"),
    ("SC800010,Independent fostering agency,Active,Private,Northstar Fostering,2 Star Yard,,Dartford,Kent,DA1 1AA,"
    "Kent,NULL,Northstar Families Ltd,01/03/2024,Outstanding"),
    ("SC800011,Children's home,Active,Private,Willow House,88 Station Road,,Gillingham,Kent,ME7 1RS,Medway,5,"
    "Evergreen Care Homes Ltd,NULL,NULL"),
    ("SC800012,Children's home,Active,Private,Oak Cottage,4 Oak Lane,,Sittingbourne,Kent,ME10 1AB,Kent,2,"
    "Oak Care Ltd,10/10/2024,Good"),
]


def ofsted_file(folder: Path, extra: int = 0) -> Path:
    """The file, with ``extra`` further children's homes (SC9xxxxx) for a register of some size."""
    lines = [OFSTED_HEADER, *ROWS]
    lines += [f"SC9{n:05d},Children's home,Active,Private,Home {n:05d},{n} High Street,,Town {n % 50},Kent,"
              f"ME{n % 20} {n % 9}AB,Kent,3,Owner {n % 300} Ltd,01/0{1 + n % 9}/2024,Good" for n in range(extra)]
    path = folder / "ofsted_providers.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
