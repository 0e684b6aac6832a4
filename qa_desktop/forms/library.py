"""The templates available on this laptop: built-in ones and the team's own folder.

Every version of a template stays loadable (a file per version, e.g. ``property_standards.v2.yaml``),
because a visit keeps the version it started with. A file that fails validation is listed in
``broken`` with its problems and the rest of the library works: a bad template never stops the app.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from qa_desktop.domain.service_types import ServiceType
from qa_desktop.forms.template import Audience, Template, TemplateInvalid, TemplateKind, TemplateProblem, load_template
from qa_desktop.paths import resources_dir


def builtin_templates_dir() -> Path:
    return resources_dir() / "templates"


TEAM_TEMPLATES_FOLDER = "templates"


def library_for(data_dir: Path) -> TemplateLibrary:
    """The built-in templates plus the team's own, in ``DATA_DIR/templates`` (created if missing)."""
    team = data_dir / TEAM_TEMPLATES_FOLDER
    team.mkdir(parents=True, exist_ok=True)
    return TemplateLibrary.load(builtin_templates_dir(), team)


@dataclass(frozen=True)
class BrokenTemplate:
    path: Path
    problems: tuple[TemplateProblem, ...]


@dataclass
class TemplateLibrary:
    templates: dict[tuple[str, int], Template] = field(default_factory=dict)
    broken: list[BrokenTemplate] = field(default_factory=list)

    @classmethod
    def load(cls, *folders: Path) -> TemplateLibrary:
        """Load ``*.yaml`` from each folder in turn (built-in first); later folders may add versions."""
        library = cls()
        for folder in folders or (builtin_templates_dir(),):
            if not folder.is_dir():
                continue
            for path in sorted(folder.glob("*.yaml")):
                library._add_file(path)
        return library

    def _add_file(self, path: Path) -> None:
        try:
            template = load_template(path)
        except TemplateInvalid as error:
            self.broken.append(BrokenTemplate(path, tuple(error.problems)))
            return
        except OSError as error:
            problem = TemplateProblem(path.name, None, "", error.strerror or str(error))
            self.broken.append(BrokenTemplate(path, (problem,)))
            return
        existing = self.templates.get((template.key, template.version))
        if existing is not None and existing.digest != template.digest:
            self.broken.append(BrokenTemplate(path, (TemplateProblem(
                path.name, None, "version",
                f"{template.key} version {template.version} is already defined differently in {existing.source}: "
                f"give the changed template a new version number"),)))
            return
        self.templates[(template.key, template.version)] = template

    def get(self, key: str, version: int | None = None) -> Template:
        """A template by key: the exact version asked for, or the latest."""
        if version is not None:
            return self.templates[(key, version)]
        versions = [v for (k, v) in self.templates if k == key]
        if not versions:
            raise KeyError(f"no template {key!r}")
        return self.templates[(key, max(versions))]

    def latest(self) -> list[Template]:
        keys = sorted({k for k, _ in self.templates})
        return [self.get(k) for k in keys]

    def for_visit(self, level: str, service_type: ServiceType, audience: Audience = Audience.OFFICER) -> list[Template]:
        """The latest templates that make up a visit at this level to this kind of service."""
        return [t for t in self.latest()
                if t.kind is TemplateKind.VISIT and t.audience is audience and level in t.scopes
                and t.applies_to(service_type)]
