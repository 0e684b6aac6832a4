"""Loading and validating templates: the built-in ones, broken ones, versions."""

import textwrap

import pytest

from qa_desktop.domain.compliance import FIGURE_1, MINIMUM_URGENT_CHECKS
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.visits import VisitLevel
from qa_desktop.forms.library import TemplateLibrary, builtin_templates_dir
from qa_desktop.forms.template import Audience, ResponseType, TemplateInvalid, TemplateKind, parse_template

GOOD = textwrap.dedent("""\
    key: mini
    version: 1
    title: Mini
    kind: visit
    audience: officer
    scopes: [full, property_only]
    sections:
      - key: one
        title: One
        items:
          - {key: a, label: A, response: met_not_met, required: true, action_on_not_met: true}
          - {key: b, label: B, response: yes_no}
          - {key: c, label: C, response: text, show_when: {item: b, equals: yes}}
""")


@pytest.fixture(scope="module")
def library():
    return TemplateLibrary.load()


def test_every_builtin_template_loads(library):
    assert library.broken == []
    assert {t.key for t in library.latest()} == {
        "property_standards", "compliance_areas", "voice_of_child", "young_inspector",
        "compliance_review_independent_fostering_agency", "compliance_review_regulated_residential",
        "compliance_review_residential_schools", "compliance_review_supported_accommodation",
        "compliance_review_floating_support", "compliance_review_activity_provisions",
        "compliance_review_unregulated_placements"}
    assert all(t.digest and t.source.endswith(".yaml") for t in library.latest())


def test_property_standards_has_every_room_and_item_of_figure_3(library):
    template = library.get("property_standards")
    assert [s.title for s in template.sections] == [
        "Lounge", "Dining room/area", "Kitchen area", "Bedroom", "Bathroom/toilet", "Garden", "Office area",
        "Water drainage", "Windows", "Ventilation", "Heating", "Electric"]
    labels = " | ".join(i.label for i in template.items)
    for text in ("Television", "Carbon monoxide detector", "Fire blanket and fire extinguisher",
                 "2 x fitted sheets and duvet sets", "At least 1 bathroom for every 4 young people",
                 "lockable from the inside", "Secure medication cabinet", "CCTV monitoring (if applicable)",
                 "foul waste and surface water", "double glazed", "Adequate ventilation",
                 "inspection certificate (yearly)", "PAT testing record (yearly)", "(every 5 years)", "kitemark"):
        assert text in labels
    assert template.item("electric_installation").response is ResponseType.DOCUMENT
    assert set(template.scopes) == {"full", "assurance_monitoring", "property_only"}


def test_compliance_areas_are_the_eight_of_section_11(library):
    assert [s.title for s in library.get("compliance_areas").sections] == [
        "Staff files and safer recruitment", "Staffing and use of agency", "Young person files and outcomes",
        "Condition of the property", "Health and safety", "Risk assessments", "Incidents, accidents and LADOs",
        "Any concerns that may have been raised"]


def test_compliance_review_templates_hold_figure_1_exactly(library):
    reviews = [t for t in library.latest() if t.kind is TemplateKind.COMPLIANCE_REVIEW]
    covered = set()
    for template in reviews:
        documents = tuple(i.label for i in template.sections[0].items if i.response is ResponseType.DOCUMENT)
        urgent = tuple(i.label for i in template.sections[1].items if i.response is ResponseType.DOCUMENT)
        for service_type in template.service_types:
            assert FIGURE_1[service_type].documents == documents, service_type
            covered.add(service_type)
        assert urgent == MINIMUM_URGENT_CHECKS
        assert template.sections[0].scopes == {"full_review"} and template.sections[1].scopes == {"minimum_urgent"}
    # a type without a template of its own (the parent and child kinds of Section 5) is reviewed with
    # the template of the Figure 1 row it takes
    assert covered <= set(FIGURE_1) and {requirement.row_type for requirement in FIGURE_1.values()} <= covered


def test_young_inspector_form_is_plain_and_friendly(library):
    form = library.get("young_inspector")
    assert form.audience is Audience.YOUNG_INSPECTOR
    assert [s.key for s in form.sections] == ["first_impressions", "your_room", "kitchen_food", "safety",
                                              "staff_support", "independence", "good_things", "changes"]
    assert all(len(s.items) <= 4 for s in form.sections)  # few items per page
    assert sum(i.response is ResponseType.FACES for i in form.items) >= 8
    assert all(i.scale == (1, 5) for i in form.items if i.response is ResponseType.FACES)


def test_templates_for_a_visit(library):
    full = {t.key for t in library.for_visit(VisitLevel.FULL, ServiceType.RESIDENTIAL)}
    assert full == {"property_standards", "compliance_areas", "voice_of_child"}
    assert {t.key for t in library.for_visit(VisitLevel.PROPERTY_ONLY, ServiceType.SUPPORTED_ACCOMMODATION)} == \
        {"property_standards"}
    assert library.for_visit(VisitLevel.FULL, ServiceType.IFA) == []
    assert [t.key for t in library.for_visit(VisitLevel.FULL, ServiceType.SUPPORTED_ACCOMMODATION,
                                             Audience.YOUNG_INSPECTOR)] == ["young_inspector"]


@pytest.mark.parametrize(("change", "line", "message"), [
    (("response: yes_no}", "response: yesno}"), 12, "'yesno' is not one of"),
    (("required: true, action", "requierd: true, action"), 11, "unknown key 'requierd'"),
    (("version: 1", "version: one"), 2, "expected a whole number"),
    (("kind: visit", "kind: inspection"), 4, "'inspection' is not one of"),
    (("scopes: [full, property_only]", "scopes: [full, weekly]"), 6, "'weekly' is not one of"),
    (("{key: b, label: B", "{key: a, label: B"), 12, "item key 'a' is used twice (first on line 11)"),
    (("equals: yes}}", "equals: yes}, scopes: [assurance_monitoring]}"), 13, "'assurance_monitoring' is not one of"),
    (("{item: b,", "{item: zz,"), 13, "'zz' is not an item earlier"),
    (("response: text,", "response: choice,"), 13, "needs at least two choices"),
    (("B, response: yes_no}", "B, response: text, action_on_not_met: true}"), 12, "can require an action"),
    (("key: mini", "key: Mini Template"), 1, "is not a key"),
    (("title: Mini\n", ""), 1, "missing 'title'"),
    (("title: Mini", "title: [Mini"), None, "not valid YAML"),
])
def test_broken_templates_are_refused_with_file_line_and_reason(change, line, message):
    text = GOOD.replace(*change)
    assert text != GOOD
    with pytest.raises(TemplateInvalid) as raised:
        parse_template(text, "mini.yaml")
    problem = next(p for p in raised.value.problems if message in p.message)
    assert problem.source == "mini.yaml"
    if line is not None:
        assert problem.line == line
    assert str(problem).startswith("mini.yaml")


def test_every_problem_in_a_file_is_reported_at_once():
    text = GOOD.replace("yes_no}", "yesno}").replace("version: 1", "version: 0").replace("title: Mini", "title: ''")
    with pytest.raises(TemplateInvalid) as raised:
        parse_template(text, "mini.yaml")
    assert len(raised.value.problems) == 3


def test_a_broken_file_is_listed_and_the_rest_still_load(tmp_path):
    (tmp_path / "good.yaml").write_text(GOOD)
    (tmp_path / "bad.yaml").write_text(GOOD.replace("key: mini", "key: other").replace("met_not_met", "metnotmet"))
    (tmp_path / "binary.yaml").write_bytes(b"\xff\xfe\x00garbage")
    (tmp_path / "empty.yaml").write_text("")
    library = TemplateLibrary.load(builtin_templates_dir(), tmp_path)
    assert library.get("mini").title == "Mini" and library.get("property_standards")
    broken = {b.path.name: " ".join(str(p) for p in b.problems) for b in library.broken}
    assert set(broken) == {"bad.yaml", "binary.yaml", "empty.yaml"}
    assert "line 11" in broken["bad.yaml"] and "'metnotmet'" in broken["bad.yaml"]
    assert "UTF-8" in broken["binary.yaml"] and "empty" in broken["empty.yaml"]


def test_versions_live_side_by_side_and_a_changed_copy_needs_a_new_number(tmp_path):
    (tmp_path / "mini.yaml").write_text(GOOD)
    (tmp_path / "mini.v2.yaml").write_text(GOOD.replace("version: 1", "version: 2").replace("label: A", "label: A2"))
    (tmp_path / "mini.copy.yaml").write_text(GOOD.replace("label: B", "label: B changed"))
    library = TemplateLibrary.load(tmp_path)
    assert library.get("mini").version == 2 and library.get("mini", 1).item("a").label == "A"
    [conflict] = library.broken  # whichever of the two same-version files was read second
    assert conflict.path.name in {"mini.yaml", "mini.copy.yaml"}
    assert ("new version number" in str(conflict.problems[0])
            and "already defined differently" in str(conflict.problems[0]))


def test_nested_aliases_are_refused_with_file_line_and_limit_before_they_expand(tmp_path):
    """A "billion laughs": each anchored list holds nine aliases of the one before; nine levels are
    387 million values once expanded, in a file of a few hundred bytes."""
    nested = [f"x0: &x0 [{', '.join(['lol'] * 9)}]"] + [f"x{n}: &x{n} [{', '.join([f'*x{n - 1}'] * 9)}]"
                                                         for n in range(1, 9)]
    text = GOOD.replace("scopes: [full, property_only]\n",
                        "scopes: [full, property_only]\ndescription:\n" + "".join(f"  {line}\n" for line in nested))
    (tmp_path / "laughs.yaml").write_text(text)
    library = TemplateLibrary.load(tmp_path)
    [broken] = library.broken
    [problem] = broken.problems
    assert problem.source == "laughs.yaml" and problem.line is not None and problem.line > 7
    assert "more than 50,000 values once its aliases (*name) are expanded" in problem.message


def test_a_template_that_fans_items_out_through_aliases_is_refused():
    """What took 100 s and 4 GB: a section aliased thousands of times, each with thousands of items."""
    fan = 150
    text = ("key: t\nversion: 1\ntitle: T\nkind: visit\naudience: officer\nscopes: [full]\nsections:\n"
            " - &s {key: s, title: S, items: [&i {key: a, label: A, response: met_not_met}" + ", *i" * fan + "]}\n"
            + " - *s\n" * fan)
    with pytest.raises(TemplateInvalid) as raised:
        parse_template(text, "fan.yaml")
    [problem] = raised.value.problems
    assert problem.source == "fan.yaml" and problem.line is not None
    assert "more than 200 aliases" in problem.message or "more than 50,000 values" in problem.message


@pytest.mark.parametrize(("limit", "value", "text", "line", "message"), [
    ("MAX_ALIASES", 2, GOOD.replace("scopes: [full, property_only]", "scopes: &s [full, property_only]")
     + "description: [*s, *s, *s]\n", 14, "more than 2 aliases (*name)"),
    ("MAX_DEPTH", 7, GOOD + "description: [[[[[[deep]]]]]]\n", 14, "nested more than 7 levels deep"),
    ("MAX_NODES", 20, GOOD, None, "more than 20 values"),
    ("MAX_TEMPLATE_CHARS", 100, GOOD, None, "the file is longer than a template may be (100 characters)"),
])
def test_each_limit_is_said_with_the_file_and_line(monkeypatch, limit, value, text, line, message):
    from qa_desktop.forms import template

    monkeypatch.setattr(template, limit, value)
    with pytest.raises(TemplateInvalid) as raised:
        parse_template(text, "mini.yaml")
    [problem] = raised.value.problems
    assert str(problem).startswith("mini.yaml") and message in problem.message, str(problem)
    if line is not None:
        assert problem.line == line


def test_deep_nesting_and_an_alias_inside_itself_are_refused_not_a_crash(tmp_path):
    (tmp_path / "deep.yaml").write_text("key: [" + "[" * 50_000 + "\n")
    (tmp_path / "itself.yaml").write_text(GOOD + "description: &d [*d]\n")
    (tmp_path / "huge.yaml").write_text(GOOD + "# " + "x" * 3_000_000 + "\n")
    library = TemplateLibrary.load(builtin_templates_dir(), tmp_path)
    broken = {b.path.name: str(b.problems[0]) for b in library.broken}
    assert "nested more than 32 levels deep" in broken["deep.yaml"]
    assert "the alias *d is inside the value it names" in broken["itself.yaml"]
    assert broken["huge.yaml"].startswith("huge.yaml") and "longer than a template may be" in broken["huge.yaml"]
    assert library.get("property_standards")  # the rest still load


def test_an_item_and_what_its_answer_shows_are_found_by_key_across_sections():
    """``shown_through``: what one answer can show or hide (the visit screen counts again only those
    sections); a chain through another item and into a later section included."""
    text = GOOD.replace("response: text, show_when: {item: b", "response: yes_no, show_when: {item: b") + (
        "  - key: two\n"
        "    title: Two\n"
        "    items:\n"
        "      - {key: d, label: D, response: text, show_when: {item: c, equals: yes}}\n"
        "      - {key: e, label: E, response: text, show_when: {item: a, equals: met}}\n"
        "      - {key: f, label: F, response: text}\n")
    template = parse_template(text, "mini.yaml")
    assert [i.key for i in template.items] == ["a", "b", "c", "d", "e", "f"]
    assert template.item("d").label == "D" and template.item("d") is template.items[3]
    with pytest.raises(KeyError, match="no item 'z'"):
        template.item("z")
    assert template.shown_through("b") == {"b", "c", "d"}  # c in its section, d in the next through c
    assert template.shown_through("a") == {"a", "e"}
    assert template.shown_through("f") == {"f"}
