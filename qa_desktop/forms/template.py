"""The template format, and its validation with messages that name the file, line and path.

A template is YAML::

    key: property_standards          # lower_case, unique in the library
    version: 1                       # whole number; bump it when the content changes
    title: Property standards
    kind: visit                      # visit | compliance_review
    audience: officer                # officer | young_inspector
    service_types: [residential, supported_accommodation]   # or omit for all
    scopes: [full, assurance_monitoring, property_only]     # visit levels (or review scopes)
    sections:
      - key: kitchen
        title: Kitchen area
        scopes: [full]               # optional: narrower than the template's
        items:
          - key: kitchen_cooker
            label: Full size cooker with hob, oven and grill
            response: met_not_met
            required: true
            guidance: ...
            action_on_not_met: true  # a "not met" answer must raise an action
            show_when: {item: other_key, equals: [yes]}

Response types: met_not_met, yes_no, choice, multi_choice (with ``choices``), text, number,
date, rating (with ``scale: [1, 5]``), faces (a 1-5 face scale for Young Inspectors), photo,
document (seen, dated, expiry).

Validation reads YAML nodes rather than plain data so every message can give the line number;
it collects every error in a file, not just the first, so a template author fixes them in one go.
Unknown keys are errors: a typo such as ``requierd`` must not silently make an item optional.

A template comes from the team's shared folder, or from another laptop in a visit's snapshot, so
it is parsed with limits: its size, the aliases it uses (``*name``), the values it holds once they
are expanded, and how deep it nests (``MAX_*`` below). A file of nested aliases ("billion laughs")
is a few KB and expands to millions of values; it is refused with its name, the line and the limit,
before it is expanded.
"""

from __future__ import annotations

import enum
import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.visits import VisitLevel


class ResponseType(enum.StrEnum):
    MET_NOT_MET = "met_not_met"
    YES_NO = "yes_no"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    RATING = "rating"
    FACES = "faces"
    PHOTO = "photo"
    DOCUMENT = "document"


class Audience(enum.StrEnum):
    OFFICER = "officer"
    YOUNG_INSPECTOR = "young_inspector"


class TemplateKind(enum.StrEnum):
    VISIT = "visit"
    COMPLIANCE_REVIEW = "compliance_review"


#: Scopes a compliance review can be run at (Section 11): the full Figure 1 set, or the minimum
#: urgent set when a placement cannot wait.
REVIEW_SCOPES = ("full_review", "minimum_urgent")

_KEY = re.compile(r"^[a-z][a-z0-9_]*$")

# Limits on a template (module constants, so a test may lower them). The built-in templates are at
# most 11 KB, with at most 802 values, no aliases, nested 8 deep.
#: The largest template file, in characters.
MAX_TEMPLATE_CHARS = 512 * 1024
#: Aliases (``*name``) in one template.
MAX_ALIASES = 200
#: Values (scalars, lists, mappings) once every alias is expanded: what validation walks.
MAX_NODES = 50_000
#: Lists and mappings inside one another.
MAX_DEPTH = 32


@dataclass(frozen=True)
class ShowWhen:
    """Show an item only when another (earlier) item's answer is one of ``equals``."""

    item: str
    equals: tuple[str, ...]


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    response: ResponseType
    required: bool = False
    guidance: str | None = None
    choices: tuple[str, ...] = ()
    scale: tuple[int, int] | None = None
    show_when: ShowWhen | None = None
    action_on_not_met: bool = False
    scopes: frozenset[str] | None = None
    line: int = 0


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    items: tuple[Item, ...]
    scopes: frozenset[str] | None = None
    intro: str | None = None


@dataclass(frozen=True)
class Template:
    key: str
    version: int
    title: str
    kind: TemplateKind
    audience: Audience
    service_types: frozenset[ServiceType]  # empty: every service type
    scopes: tuple[str, ...]
    sections: tuple[Section, ...]
    description: str | None = None
    source: str = ""
    digest: str = ""  # sha256 of the file's text: what a visit records beside key and version
    text: str = field(default="", repr=False, compare=False)  # the text parsed: what a visit snapshots

    @cached_property
    def items(self) -> tuple[Item, ...]:
        """Every item in template order. Worked out once: the template is frozen (its sections and
        their items are tuples), and a visit asks for an item by key many times per answer (each
        ``show_when``, each record): walking every item each time was a tenth of a millisecond of
        every answer on the visit screen (issue 22)."""
        return tuple(item for section in self.sections for item in section.items)

    @cached_property
    def _by_key(self) -> dict[str, Item]:
        found: dict[str, Item] = {}
        for item in self.items:
            found.setdefault(item.key, item)  # the first of a key, as the walk found it
        return found

    def shown_through(self, key: str) -> frozenset[str]:
        """The item ``key`` and every item whose ``show_when`` depends on its answer, directly or
        through another such item, in any section: what an answer to ``key`` can show or hide, so
        the sections whose counts it can change."""
        keys = {key}
        grown = True
        while grown:  # a show_when names an earlier item, so one pass finds them; the next confirms
            before = len(keys)
            keys.update(i.key for i in self.items if i.show_when is not None and i.show_when.item in keys)
            grown = len(keys) != before
        return frozenset(keys)

    def item(self, key: str) -> Item:
        found = self._by_key.get(key)
        if found is None:
            raise KeyError(f"{self.key} v{self.version} has no item {key!r}")
        return found

    def applies_to(self, service_type: ServiceType) -> bool:
        return not self.service_types or service_type in self.service_types


@dataclass(frozen=True)
class TemplateProblem:
    source: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f", line {self.line}" if self.line else ""
        at = f" ({self.path})" if self.path else ""
        return f"{self.source}{where}{at}: {self.message}"


class TemplateInvalid(ValueError):
    def __init__(self, problems: list[TemplateProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class _Reader:
    """Walks YAML nodes, collecting problems with their line and path instead of stopping."""

    source: str
    problems: list[TemplateProblem] = field(default_factory=list)

    def problem(self, node: yaml.Node | None, path: str, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else None
        self.problems.append(TemplateProblem(self.source, line, path, message))

    def mapping(self, node: yaml.Node, path: str, required: set[str],
                optional: set[str]) -> dict[str, yaml.Node] | None:
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, path, "expected a mapping of keys to values")
            return None
        found: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key not in required | optional:
                allowed = ", ".join(sorted(required | optional))
                self.problem(key_node, path, f"unknown key {key!r} (allowed: {allowed})")
            elif key in found:
                self.problem(key_node, path, f"key {key!r} given twice")
            else:
                found[key] = value_node
        for key in sorted(required - found.keys()):
            self.problem(node, path, f"missing {key!r}")
        return found

    def scalar(self, node: yaml.Node, path: str) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, path, "expected a single value")
            return None
        return yaml.safe_load(yaml.serialize(node)) if node.tag != "tag:yaml.org,2002:str" else node.value

    def text(self, node: yaml.Node | None, path: str, *, key: bool = False) -> str | None:
        if node is None:
            return None
        value = self.scalar(node, path)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(node, path, "expected text")
            return None
        if key and not _KEY.match(value):
            self.problem(node, path, f"{value!r} is not a key: use lower-case letters, digits and _")
            return None
        return value.strip()

    def boolean(self, node: yaml.Node | None, path: str) -> bool:
        if node is None:
            return False
        value = self.scalar(node, path)
        if not isinstance(value, bool):
            self.problem(node, path, f"expected true or false, not {node.value!r}")
            return False
        return value

    def sequence(self, node: yaml.Node | None, path: str, *, allow_empty: bool = False) -> list[yaml.Node]:
        if node is None:
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, path, "expected a list")
            return []
        if not node.value and not allow_empty:
            self.problem(node, path, "the list is empty")
        return list(node.value)

    def choice(self, node: yaml.Node, path: str, allowed: list[str]) -> str | None:
        value = self.text(node, path)
        if value is not None and value not in allowed:
            self.problem(node, path, f"{value!r} is not one of: {', '.join(allowed)}")
            return None
        return value

    def choices(self, node: yaml.Node | None, path: str, allowed: list[str]) -> list[str]:
        result = []
        for index, child in enumerate(self.sequence(node, path)):
            value = self.choice(child, f"{path}[{index}]", allowed)
            if value is not None:
                result.append(value)
        return result


class _OverLimit(Exception):
    def __init__(self, mark: Any, message: str) -> None:
        super().__init__(message)
        self.line = mark.line + 1 if mark is not None else None
        self.message = message


class _LimitedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, composing nodes within ``MAX_ALIASES``, ``MAX_NODES`` (counted with
    every alias expanded, as validation would walk them) and ``MAX_DEPTH``; ``_OverLimit`` at the
    first value past one. Aliases stay shared nodes, so nothing is ever expanded in memory."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0
        self._sizes: dict[int, int] = {}  # id(node) -> its size with aliases expanded, once composed

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _OverLimit(event.start_mark, f"uses more than {MAX_ALIASES:,} aliases (*name), the most a "
                                                   "template may; a template needs few or none")
            node = super().compose_node(parent, index)
            if id(node) not in self._sizes:  # its anchor is on a value still being read: it holds itself
                raise _OverLimit(event.start_mark, f"the alias *{event.anchor} is inside the value it names")
            return node
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _OverLimit(event.start_mark, f"is nested more than {MAX_DEPTH} levels deep, the most a "
                                                   "template may")
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if isinstance(node, yaml.MappingNode):
            children = [child for pair in node.value for child in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        else:
            children = []
        size = 1 + sum(self._sizes[id(child)] for child in children)
        if size > MAX_NODES:
            raise _OverLimit(event.start_mark, f"holds more than {MAX_NODES:,} values once its aliases (*name) are "
                                               "expanded, the most a template may")
        self._sizes[id(node)] = size
        return node


def _compose(text: str, source: str) -> yaml.Node | None:
    """The file's YAML nodes, within the limits; ``TemplateInvalid`` naming the file and line if not."""
    if len(text) > MAX_TEMPLATE_CHARS:
        raise TemplateInvalid([TemplateProblem(source, None, "", "the file is longer than a template may be "
                                               f"({MAX_TEMPLATE_CHARS:,} characters)")])
    try:
        node: yaml.Node | None = yaml.compose(text, Loader=_LimitedLoader)
        return node
    except _OverLimit as error:
        raise TemplateInvalid([TemplateProblem(source, error.line, "", error.message)]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = TemplateProblem(source, line, "", f"not valid YAML: {getattr(error, 'problem', error)}")
        raise TemplateInvalid([problem]) from None


_TEMPLATE_REQUIRED = {"key", "version", "title", "kind", "audience", "scopes", "sections"}
_TEMPLATE_OPTIONAL = {"service_types", "description"}
_SECTION_REQUIRED = {"key", "title", "items"}
_SECTION_OPTIONAL = {"scopes", "intro"}
_ITEM_REQUIRED = {"key", "label", "response"}
_ITEM_OPTIONAL = {"required", "guidance", "choices", "scale", "show_when", "action_on_not_met", "scopes"}


def parse_template(text: str, source: str = "<template>") -> Template:
    """A validated ``Template`` from YAML text; raises ``TemplateInvalid`` listing every problem."""
    reader = _Reader(source)
    root = _compose(text, source)
    if root is None:
        raise TemplateInvalid([TemplateProblem(source, None, "", "the file is empty")])
    top = reader.mapping(root, "", _TEMPLATE_REQUIRED, _TEMPLATE_OPTIONAL)
    if top is None:
        raise TemplateInvalid(reader.problems)

    key = reader.text(top.get("key"), "key", key=True)
    version = reader.scalar(top["version"], "version") if "version" in top else None
    if "version" in top and (not isinstance(version, int) or isinstance(version, bool) or version < 1):
        reader.problem(top["version"], "version", "expected a whole number from 1 up")
    title = reader.text(top.get("title"), "title")
    kind = reader.choice(top["kind"], "kind", [k.value for k in TemplateKind]) if "kind" in top else None
    audience = reader.choice(top["audience"], "audience", [a.value for a in Audience]) if "audience" in top else None
    service_types = reader.choices(top.get("service_types"), "service_types", [t.value for t in ServiceType])
    allowed_scopes = list(REVIEW_SCOPES) if kind == TemplateKind.COMPLIANCE_REVIEW else [v.value for v in VisitLevel]
    scopes = reader.choices(top.get("scopes"), "scopes", allowed_scopes)

    sections: list[Section] = []
    seen_items: dict[str, Item] = {}
    seen_sections: set[str] = set()
    for s_index, s_node in enumerate(reader.sequence(top.get("sections"), "sections")):
        s_path = f"sections[{s_index}]"
        s_map = reader.mapping(s_node, s_path, _SECTION_REQUIRED, _SECTION_OPTIONAL)
        if s_map is None:
            continue
        s_key = reader.text(s_map.get("key"), f"{s_path}.key", key=True)
        if s_key in seen_sections:
            reader.problem(s_map["key"], f"{s_path}.key", f"section key {s_key!r} is used twice")
        seen_sections.add(s_key or "")
        s_scopes = _sub_scopes(reader, s_map.get("scopes"), f"{s_path}.scopes", scopes)
        items: list[Item] = []
        for i_index, i_node in enumerate(reader.sequence(s_map.get("items"), f"{s_path}.items")):
            item = _parse_item(reader, i_node, f"{s_path}.items[{i_index}]", seen_items, s_scopes or frozenset(scopes))
            if item is not None:
                items.append(item)
                seen_items[item.key] = item
        sections.append(Section(s_key or "", reader.text(s_map.get("title"), f"{s_path}.title") or "",
                                tuple(items), s_scopes, reader.text(s_map.get("intro"), f"{s_path}.intro")))

    # A required value given as null is the one way to be None here without a problem said above.
    said = {p.path for p in reader.problems}
    for name, value in {"key": key, "title": title, "kind": kind, "audience": audience}.items():
        if value is None and name in top and name not in said:
            reader.problem(top[name], name, "expected a value, not null")
    if reader.problems:
        raise TemplateInvalid(reader.problems)
    # Said just above: none of them is None here.
    assert key is not None and version is not None and title is not None and kind is not None and audience is not None
    return Template(key=key, version=version, title=title, kind=TemplateKind(kind), audience=Audience(audience),
                    service_types=frozenset(ServiceType(t) for t in service_types), scopes=tuple(scopes),
                    sections=tuple(sections), description=reader.text(top.get("description"), "description"),
                    source=source, digest=hashlib.sha256(text.encode("utf-8")).hexdigest(), text=text)


def _sub_scopes(reader: _Reader, node: yaml.Node | None, path: str,
                within: list[str] | frozenset[str]) -> frozenset[str] | None:
    if node is None:
        return None
    return frozenset(reader.choices(node, path, sorted(within)))


def _parse_item(reader: _Reader, node: yaml.Node, path: str, earlier: dict[str, Item],
                scopes: frozenset[str]) -> Item | None:
    found = reader.mapping(node, path, _ITEM_REQUIRED, _ITEM_OPTIONAL)
    if found is None:
        return None
    key = reader.text(found.get("key"), f"{path}.key", key=True)
    if key is not None and key in earlier:
        reader.problem(found["key"], f"{path}.key",
                       f"item key {key!r} is used twice (first on line {earlier[key].line})")
    response_text = reader.choice(found["response"], f"{path}.response", [r.value for r in ResponseType]) \
        if "response" in found else None
    response = ResponseType(response_text) if response_text else None

    choices: tuple[str, ...] = ()
    if response in (ResponseType.CHOICE, ResponseType.MULTI_CHOICE):
        values = [reader.text(c, f"{path}.choices[{i}]")
                  for i, c in enumerate(reader.sequence(found.get("choices"), f"{path}.choices"))]
        choices = tuple(v for v in values if v)
        if len(choices) < 2:
            reader.problem(found.get("choices", node), f"{path}.choices",
                           f"a {response.value} item needs at least two choices")
        elif len(set(choices)) != len(choices):
            reader.problem(found["choices"], f"{path}.choices", "a choice is listed twice")
    elif "choices" in found:
        reader.problem(found["choices"], f"{path}.choices",
                       f"choices only go with choice or multi_choice, not {response_text}")

    scale: tuple[int, int] | None = None
    if response is ResponseType.FACES:
        scale = (1, 5)
    if "scale" in found:
        bounds = [reader.scalar(n, f"{path}.scale") for n in reader.sequence(found["scale"], f"{path}.scale")]
        if response is not ResponseType.RATING:
            reader.problem(found["scale"], f"{path}.scale", "scale only goes with a rating item")
        elif len(bounds) != 2 or not all(isinstance(b, int) for b in bounds) or bounds[0] >= bounds[1]:
            reader.problem(found["scale"], f"{path}.scale",
                           "expected [lowest, highest], two whole numbers, lowest first")
        else:
            scale = (bounds[0], bounds[1])
    elif response is ResponseType.RATING:
        reader.problem(node, path, "a rating item needs a scale, such as [1, 5]")

    action = reader.boolean(found.get("action_on_not_met"), f"{path}.action_on_not_met")
    if action and response not in (ResponseType.MET_NOT_MET, ResponseType.YES_NO, ResponseType.DOCUMENT):
        reader.problem(found["action_on_not_met"], f"{path}.action_on_not_met",
                       "only met_not_met, yes_no and document items can require an action")

    show_when = None
    if "show_when" in found:
        show_when = _parse_show_when(reader, found["show_when"], f"{path}.show_when", earlier)

    if key is None:
        return None
    # An item whose response type was wrong is still registered under its key (the template is
    # refused anyway), so later items that refer to it do not get a second, misleading error.
    return Item(key=key, label=reader.text(found.get("label"), f"{path}.label") or "",
                response=response or ResponseType.TEXT,
                required=reader.boolean(found.get("required"), f"{path}.required"),
                guidance=reader.text(found.get("guidance"), f"{path}.guidance"), choices=choices, scale=scale,
                show_when=show_when, action_on_not_met=action,
                scopes=_sub_scopes(reader, found.get("scopes"), f"{path}.scopes", scopes),
                line=node.start_mark.line + 1)


def _parse_show_when(reader: _Reader, node: yaml.Node, path: str, earlier: dict[str, Item]) -> ShowWhen | None:
    found = reader.mapping(node, path, {"item", "equals"}, set())
    if found is None or "item" not in found or "equals" not in found:
        return None
    target = reader.text(found["item"], f"{path}.item", key=True)
    if target is not None and target not in earlier:
        reader.problem(found["item"], f"{path}.item", f"{target!r} is not an item earlier in this template")
        return None
    equals_node = found["equals"]
    nodes = equals_node.value if isinstance(equals_node, yaml.SequenceNode) else [equals_node]
    # the raw text, not YAML's reading of it: "yes" is an answer here, not the boolean true
    values = tuple(n.value for n in nodes if isinstance(n, yaml.ScalarNode))
    return ShowWhen(target, values) if target else None


def load_template(path: Path) -> Template:
    """Read and validate a template file; problems name the file. A file larger than a template may
    be is refused before it is read."""
    size = path.stat().st_size
    if size > 4 * MAX_TEMPLATE_CHARS:  # more bytes than the most characters could take in UTF-8
        raise TemplateInvalid([TemplateProblem(path.name, None, "", f"the file is {size:,} bytes, longer than a "
                                               f"template may be ({MAX_TEMPLATE_CHARS:,} characters)")])
    try:
        with path.open(encoding="utf-8") as stream:
            text = stream.read(MAX_TEMPLATE_CHARS + 1)
    except UnicodeDecodeError:
        raise TemplateInvalid([TemplateProblem(path.name, None, "", "not UTF-8 text")]) from None
    return parse_template(text, path.name)
