"""Layers only look down: the Xero layer (``connections``) and ``lists`` sit below the
apps that use them. What must react upwards is wired in ``dext/hooks.py`` or a view."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ABOVE_LISTS = ("items", "capture", "publishing")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def _modules(app: str, *, skip: tuple[str, ...] = ()) -> list[Path]:
    return [
        path for path in sorted((ROOT / app).rglob("*.py"))
        if "tests" not in path.relative_to(ROOT / app).parts and path.name not in skip
    ]


@pytest.mark.parametrize("app", ["connections", "lists"])
def test_lower_apps_never_import_the_apps_above(app):
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & set(ABOVE_LISTS)) for path in _modules(app)
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_connections_services_and_gateway_do_not_import_lists():
    # The Connections page (views, admin) shows the lists banner and starts a manual
    # refresh; everything else in connections stays below lists.
    offenders = [str(path.relative_to(ROOT)) for path in _modules("connections", skip=("views.py", "admin.py"))
                 if "lists" in _imports(path)]
    assert offenders == []
