"""The layers of the code, read from every module's imports (including those inside functions).

    ui, cli  ->  workspace  ->  services  ->  sync  ->  store, forms, reports  ->  domain
                        (and the foundation: clock, paths, atomic, credentials, logs, safe_text)

A module may import its own layer and any layer below it, never one above. Screens and commands
reach the core only through the workspace (and the domain's plain values), so they never import
SQLAlchemy, the ORM models or sync internals; only ``ui`` imports Qt. A failure names the module,
the line and the import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import qa_desktop

PACKAGE = Path(qa_desktop.__file__).parent

FOUNDATION = {"qa_desktop", "qa_desktop.clock", "qa_desktop.paths", "qa_desktop.atomic", "qa_desktop.credentials",
              "qa_desktop.logs",
              "qa_desktop.safe_text"}

#: layer -> the qa_desktop layers it may import (besides itself and the foundation)
ALLOWED: dict[str, set[str]] = {
    "domain": set(),
    "forms": {"domain"},
    "reports": {"domain", "forms"},
    "store": {"domain"},
    "sync": {"domain", "store", "forms"},
    "services": {"domain", "store", "forms", "reports", "sync"},
    "workspace": {"domain", "store", "forms", "reports", "sync", "services"},
    "ui": {"domain", "workspace"},
    "cli": {"domain", "workspace", "ui.app"},
    "foundation": set(),
}
#: third-party packages a layer must not import
FORBIDDEN_THIRD_PARTY = {
    "ui": {"sqlalchemy", "alembic", "psycopg", "sqlcipher3", "keyring"},
    "cli": {"sqlalchemy", "alembic", "psycopg", "sqlcipher3", "keyring", "PySide6"},
}


def layer_of(module: str) -> str:
    if module in FOUNDATION:
        return "foundation"
    part = module.split(".")[1]
    if part.startswith("cli") or part == "__main__":
        return "cli"
    return part


def module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path, module: str) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.append((node.lineno, name))
            if name == "qa_desktop":  # ``from qa_desktop import ui``
                found += [(node.lineno, f"qa_desktop.{alias.name}") for alias in node.names
                          if alias.name != "__version__"]
    return found


def allowed(importer: str, imported: str) -> bool:
    layer = layer_of(importer)
    target = layer_of(imported)
    if target == layer or target == "foundation":
        return True
    if layer == "foundation":
        return False
    if target == "ui" and "ui.app" in ALLOWED[layer]:
        return imported == "qa_desktop.ui.app"
    return target in ALLOWED[layer]


def violations() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module = module_name(path)
        layer = layer_of(module)
        for line, name in imports(path, module):
            where = f"{path.relative_to(PACKAGE.parent)}:{line} imports {name}"
            top = name.split(".")[0]
            if top == "qa_desktop":
                if name != "qa_desktop" and not allowed(module, name):
                    found.append(f"{where} ({layer} may not reach {layer_of(name)})")
            elif top in FORBIDDEN_THIRD_PARTY.get(layer, set()):
                found.append(f"{where} ({layer} goes through the workspace)")
            elif top == "PySide6" and layer != "ui":
                found.append(f"{where} (only ui imports Qt)")
    return found


def test_every_module_imports_only_its_own_layer_and_those_below() -> None:
    assert violations() == []


def test_the_checker_sees_a_violation() -> None:
    """The rules are not vacuous: a screen importing the ORM models or SQLAlchemy is caught."""
    assert not allowed("qa_desktop.ui.main_window", "qa_desktop.store.models")
    assert not allowed("qa_desktop.cli", "qa_desktop.sync.engine")
    assert not allowed("qa_desktop.store.changes", "qa_desktop.sync.merge")
    assert not allowed("qa_desktop.domain.risk", "qa_desktop.store.models")
    assert allowed("qa_desktop.ui.main_window", "qa_desktop.workspace.register")
    assert allowed("qa_desktop.cli", "qa_desktop.ui.app")
    assert not allowed("qa_desktop.cli", "qa_desktop.ui.main_window")
