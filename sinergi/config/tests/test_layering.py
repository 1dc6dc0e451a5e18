"""The layering of the apps (``docs/architecture.md``), checked on the source: every import of one app's module by
another app's, at the top of a module or inside a function, must go down the layers (or sideways within the
domain layer, without a circle). Tests and migrations are not counted (a test of a lower app may build the scene
with a higher app's factories; a migration is history).

Run as a script (``python -m sinergi.config.tests.test_layering``) to print the measure: the import circles
between apps, the two-app cycles and the imports against the layering.
"""

from __future__ import annotations

import ast
import itertools
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the ``sinergi`` package

# From the bottom up. An app may import the apps of lower layers, and of its own layer as long as no circle forms.
LAYERS: list[tuple[str, ...]] = [
    ("core",),
    ("regions", "audit"),
    ("agencies",),
    ("access",),
    ("people", "intake", "cases", "referrals", "recruitment", "linkage", "notifications", "exchange",
     "justice", "taskforce"),
    ("analytics", "transfer", "demo"),
    ("public", "web", "api", "config"),
]

# (importing app, imported app): why. At most a few lines, each justified.
EXCEPTIONS: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Import:
    source: str  # importing app
    target: str  # imported app
    where: str  # path:line
    in_function: bool


def _is_code(rel: Path) -> bool:
    parts = rel.parts
    return (len(parts) >= 2 and "migrations" not in parts and "tests" not in parts
            and parts[-1] != "conftest.py" and rel.suffix == ".py")


def imports(root: Path = ROOT) -> list[Import]:
    """Every import of another app's module in the code of each app."""
    apps = {p.name for p in root.iterdir() if (p / "__init__.py").exists()}
    found = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if not _is_code(rel):
            continue
        app = rel.parts[0]
        package = ["sinergi", *rel.parts[:-1]]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top_level = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package[:len(package) - node.level + 1]
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                names = ([f"{module}.{a.name}" for a in node.names] if module == "sinergi" else [module])
            else:
                continue
            for name in names:
                parts = name.split(".")
                if parts[0] == "sinergi" and len(parts) > 1 and parts[1] in apps and parts[1] != app:
                    found.append(Import(app, parts[1], f"{rel}:{node.lineno}", id(node) not in top_level))
    return found


def layer_of(app: str) -> int:
    for i, layer in enumerate(LAYERS):
        if app in layer:
            return i
    raise KeyError(app)


def graph(found: list[Import]) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for i in found:
        edges[i.source].add(i.target)
    return edges


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one app (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups = []
    counter = itertools.count()

    def visit(v: str) -> None:
        index[v] = low[v] = next(counter)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(set(edges) | {w for ws in edges.values() for w in ws}):
        if v not in index:
            visit(v)
    return groups


def two_app_cycles(edges: dict[str, set[str]]) -> list[tuple[str, str]]:
    return sorted({tuple(sorted((a, b))) for a, bs in edges.items() for b in bs if a in edges.get(b, ())})


def against_layers(found: list[Import]) -> list[Import]:
    return [i for i in found if layer_of(i.target) > layer_of(i.source) and (i.source, i.target) not in EXCEPTIONS]


# --- the tests ---------------------------------------------------------------------------------------------------

def test_every_app_has_a_layer():
    apps = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()}
    placed = {a for layer in LAYERS for a in layer}
    assert apps - {"locale"} <= placed, sorted(apps - placed)


def test_no_import_goes_up_the_layers():
    wrong = against_layers(imports())
    assert not wrong, "\n".join(f"{i.where}: {i.source} imports {i.target} (a higher layer)" for i in wrong)


def test_no_circle_of_imports_between_apps():
    edges = graph(imports())
    assert two_app_cycles(edges) == []
    assert circles(edges) == []


def test_the_exceptions_stay_few_and_are_still_needed():
    assert len(EXCEPTIONS) <= 3
    used = {(i.source, i.target) for i in imports()}
    assert set(EXCEPTIONS) <= used, "an exception no import needs any more: remove it"


def test_the_checker_sees_imports_inside_functions(tmp_path):
    pkg = tmp_path / "sinergi"
    for app in ("low", "high"):
        (pkg / app).mkdir(parents=True)
        (pkg / app / "__init__.py").write_text("")
    (pkg / "low" / "services.py").write_text("def f():\n    from sinergi.high.models import X\n    return X\n")
    (pkg / "high" / "models.py").write_text("from ..low import services\n")
    found = imports(pkg)
    assert {(i.source, i.target, i.in_function) for i in found} == {("low", "high", True), ("high", "low", False)}
    assert two_app_cycles(graph(found)) == [("high", "low")]
    assert circles(graph(found)) == [["high", "low"]]


if __name__ == "__main__":
    found = imports()
    edges = graph(found)
    print(f"imports between apps: {len(found)} ({sum(i.in_function for i in found)} inside functions)")
    print(f"circles: {circles(edges)}")
    print(f"two-app cycles ({len(two_app_cycles(edges))}): {two_app_cycles(edges)}")
    for i in against_layers(found):
        print(f"against the layers: {i.where}: {i.source} -> {i.target}")
