"""The import graph of app/, enforced: layers from the top down, no import up, no circle, and no
module over 500 lines.

The graph is read with `ast` from every module under app/, migrations included. Every import
counts, wherever it stands: at module level, inside a function (a deferred import, as the command
line makes to start fast) and under `if TYPE_CHECKING:`. A deferred or a type-only import is still
a dependency of the code on the module it names; counting it keeps either from being the way round
the rule. An import names the most specific module of app/ it reaches: `from app import metrics`
is app.metrics, `from app.policies import Decision` is app.policies (its __init__).

Each checker comes with a self-test on a made-up graph, so a checker that silently stops matching
anything fails here instead of passing vacuously.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterable, Iterator, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app"

# The layers from the top down, each with the modules (and packages) of app/ it holds. A module
# belongs to the layer of the longest name that is it or a package holding it. It may import its
# own layer and any layer below, never one above. docs/DESIGN.md ("Layers") says the same in words.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("entry points", ("app.cli", "app.migrations")),
    ("the application", ("app.main",)),
    (
        "HTTP and the process",
        (
            "app.routers",
            "app.middleware",
            "app.rate_limit",
            "app.http_limits",
            "app.request_fingerprint",
            "app.gates",
            "app.background",
            "app.problem_catalogue",
            "app.problem_docs",
        ),
    ),
    (
        "use cases",
        (
            "app.services",
            "app.audit_verify",
            "app.audit_witness",
            "app.audit_log",
            "app.audit_log_export",
        ),
    ),
    (
        "what use cases use that knows no storage",
        (
            "app.schemas",
            "app.pages",
            "app.platform",
            "app.pagination",
            "app.page_links",
            "app.workers",
            "app.egress",
        ),
    ),
    ("storage", ("app.db", "app.keyset")),
    ("entities", ("app.models",)),
    (
        "the caller and the secrets",
        ("app.security", "app.tokens", "app.claims", "app.jwks", "app.keyring"),
    ),
    (
        "basics",
        (
            "app.problems",
            "app.problem_bodies",
            "app.deferred_models",
            "app.built_models",
            "app.bounds",
            "app.openapi_info",
            "app.metrics",
            "app.json_logs",
            "app.config",
            "app.clock",
            "app.dev_issuer",
            "app.reference",
        ),
    ),
    ("the rules", ("app.policies",)),
)

# Known imports up the layers, each with why it is tolerated for now: (importer, imported).
ALLOWED_UPWARD: dict[tuple[str, str], str] = {}

MAX_LINES = 500
# Known modules over MAX_LINES, each with why it is tolerated for now (path from the root).
ALLOWED_LONG: dict[str, str] = {}

Edge = tuple[str, str]


# --- reading the graph -------------------------------------------------------------------------


def module_name(path: Path, root: Path = ROOT) -> str:
    """app/db/writer.py -> app.db.writer; app/db/__init__.py -> app.db."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(
    source: str, module: str, modules: Collection[str], is_package: bool = False
) -> set[str]:
    """The modules of `modules` that the imports of `source` (module `module`) name.

    `import a.b` names a.b (or the package holding it); `from a import b` names a.b when b is
    a module of its own, else a, where b is defined. Relative imports are made absolute.
    """
    package = module if is_package else module.rpartition(".")[0]
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                origin = ".".join([*base, node.module] if node.module else base)
            else:
                origin = node.module or ""
            names.extend(
                f"{origin}.{alias.name}" if f"{origin}.{alias.name}" in modules else origin
                for alias in node.names
            )
    found = {resolve(name, modules) for name in names}
    return {name for name in found if name is not None and name != module}


def resolve(name: str, modules: Collection[str]) -> str | None:
    """The most specific module of `modules` that `name` is or lies in, if any."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def import_graph(sources: Mapping[str, tuple[str, bool]]) -> set[Edge]:
    """(importer, imported) between the given modules, from {module: (source, is_package)}."""
    return {
        (module, imported)
        for module, (source, is_package) in sources.items()
        for imported in imported_modules(source, module, sources.keys(), is_package)
    }


def app_sources() -> dict[str, tuple[str, bool]]:
    """{module: (source, is_package)} of every module under app/ but the bare `app` package."""
    sources = {
        module_name(path, ROOT): (path.read_text(encoding="utf-8"), path.name == "__init__.py")
        for path in sorted(APP.rglob("*.py"))
    }
    sources.pop("app", None)  # app/__init__.py: the package's marker, it imports nothing
    return sources


def app_graph() -> set[Edge]:
    return import_graph(app_sources())


# --- the checkers -------------------------------------------------------------------------------


def layer_of(module: str, layers: tuple[tuple[str, tuple[str, ...]], ...] = LAYERS) -> int | None:
    """The index of the module's layer (0 is the top), by the longest prefix that names it."""
    matches = [
        (len(prefix), index)
        for index, (_, prefixes) in enumerate(layers)
        for prefix in prefixes
        if module == prefix or module.startswith(f"{prefix}.")
    ]
    return max(matches)[1] if matches else None


def upward(
    edges: Iterable[Edge], layers: tuple[tuple[str, tuple[str, ...]], ...] = LAYERS
) -> list[Edge]:
    """The imports from a lower layer to a higher one."""
    found = []
    for importer, imported in edges:
        low, high = layer_of(importer, layers), layer_of(imported, layers)
        if low is not None and high is not None and high < low:
            found.append((importer, imported))
    return sorted(found)


def circles(edges: Iterable[Edge]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan, iteratively)."""
    graph: dict[str, list[str]] = {}
    for a, b in edges:
        graph.setdefault(a, []).append(b)
        graph.setdefault(b, [])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph[child]))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return sorted(found)


def unit_of(module: str) -> str:
    """The top-level module or package of app/ a module belongs to: app.db.writer -> app.db."""
    return ".".join(module.split(".")[:2])


def unit_edges(edges: Iterable[Edge]) -> set[Edge]:
    return {(unit_of(a), unit_of(b)) for a, b in edges if unit_of(a) != unit_of(b)}


def too_long(texts: Mapping[str, str], limit: int = MAX_LINES) -> dict[str, int]:
    """{path: lines} of the texts over `limit` lines."""
    counts = {path: len(text.splitlines()) for path, text in texts.items()}
    return {path: count for path, count in sorted(counts.items()) if count > limit}


# --- the self-tests: each checker catches what it is for ----------------------------------------


def test_the_reader_counts_every_kind_of_import() -> None:
    sources = {
        "app.top": (
            """
from typing import TYPE_CHECKING
import app.base
from app import helper
from app.pkg import sub, NAME
from . import sibling
if TYPE_CHECKING:
    from app.typed import Only
def later():
    from app.deferred import thing
""",
            False,
        ),
        "app.base": ("", False),
        "app.helper": ("", False),
        "app.pkg": ("NAME = 1", True),
        "app.pkg.sub": ("from .. import base\nfrom .inner import x", False),
        "app.pkg.inner": ("", False),
        "app.sibling": ("", False),
        "app.typed": ("", False),
        "app.deferred": ("import os", False),
    }
    assert import_graph(sources) == {
        ("app.top", "app.base"),
        ("app.top", "app.helper"),
        ("app.top", "app.pkg"),  # NAME lives in the package
        ("app.top", "app.pkg.sub"),
        ("app.top", "app.sibling"),
        ("app.top", "app.typed"),
        ("app.top", "app.deferred"),
        ("app.pkg.sub", "app.base"),
        ("app.pkg.sub", "app.pkg.inner"),
    }


def test_a_submodule_imported_from_its_package_is_not_an_arrow_to_the_package() -> None:
    sources = {
        "app.user": ("from app.db import writer", False),
        "app.db": ("", True),
        "app.db.writer": ("", False),
    }
    assert import_graph(sources) == {("app.user", "app.db.writer")}


def test_the_layer_checker_flags_an_import_up() -> None:
    layers = (
        ("top", ("app.web", "app.core.web_bits")),
        ("middle", ("app.core",)),
        ("low", ("app.base",)),
    )
    edges = {
        ("app.web.routes", "app.core.service"),  # down
        ("app.core.service", "app.core.other"),  # within a layer
        ("app.core.service", "app.base"),  # down two
        ("app.base", "app.core.service"),  # up
        ("app.core.service", "app.web"),  # up
        ("app.core.web_bits.x", "app.core.service"),  # down: the longest prefix decides
        ("app.core", "app.core.web_bits"),  # up, for the same reason
        ("app.unknown", "app.web"),  # no layer: test_every_module_has_a_layer catches it
    }
    assert upward(edges, layers) == [
        ("app.base", "app.core.service"),
        ("app.core", "app.core.web_bits"),
        ("app.core.service", "app.web"),
    ]
    assert layer_of("app.core.web_bits.x", layers) == 0
    assert layer_of("app.corex", layers) is None


def test_the_circle_checker_finds_every_loop() -> None:
    edges = {
        ("a", "b"),
        ("b", "c"),
        ("c", "a"),  # a loop of three
        ("c", "d"),
        ("d", "e"),
        ("e", "d"),  # a loop of two, reached from the first
        ("f", "a"),  # into a loop, not part of one
        ("g", "g"),  # a module that names itself is no circle between modules
    }
    assert circles(edges) == [["a", "b", "c"], ["d", "e"]]
    assert circles({("a", "b"), ("b", "c"), ("a", "c")}) == []


def test_the_size_checker_flags_a_module_over_the_limit() -> None:
    texts = {"at.py": "x = 1\n" * MAX_LINES, "over.py": "x = 1\n" * (MAX_LINES + 1), "empty.py": ""}
    assert too_long(texts) == {"over.py": MAX_LINES + 1}


# --- the app ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def graph() -> set[Edge]:
    return app_graph()


def test_the_graph_sees_the_whole_app(graph: set[Edge]) -> None:
    modules = app_sources()
    assert len(modules) > 200
    assert len(graph) > 800
    assert {
        ("app.main", "app.routers.health"),  # module level
        ("app.cli.server", "app.main"),  # inside a function
        ("app.cli.keys", "app.config"),  # under TYPE_CHECKING
        ("app.main", "app.metrics"),  # `from app import metrics`
        ("app.migrations.env", "app.models"),
    } <= graph
    assert {unit_of(module) for module in modules} >= {
        "app.cli",
        "app.main",
        "app.routers",
        "app.services",
        "app.db",
        "app.policies",
        "app.migrations",
    }


def test_every_module_has_a_layer() -> None:
    unplaced = sorted(module for module in app_sources() if layer_of(module) is None)
    assert unplaced == [], "place these in LAYERS (and docs/DESIGN.md)"


def test_no_import_runs_up_the_layers(graph: set[Edge]) -> None:
    found = upward(graph)
    unexpected = [edge for edge in found if edge not in ALLOWED_UPWARD]
    names = [name for name, _ in LAYERS]
    assert unexpected == [], "\n".join(
        f"{a} ({names[layer_of(a) or 0]}) imports {b} ({names[layer_of(b) or 0]})"
        for a, b in unexpected
    )
    stale = sorted(set(ALLOWED_UPWARD) - set(found))
    assert not stale, f"allow-list entries no longer needed: {stale}"
    print(f"imports up the layers still allowed: {len(ALLOWED_UPWARD)}")
    for (a, b), why in ALLOWED_UPWARD.items():
        print(f"  {a} -> {b}: {why}")


def test_no_circle_between_modules(graph: set[Edge]) -> None:
    assert circles(graph) == []


def test_no_circle_between_the_parts_of_the_app(graph: set[Edge]) -> None:
    """Between the top-level modules and packages (app.db, app.services, app.problems ...),
    leaving out the arrows the allow-list tolerates."""
    kept = {edge for edge in graph if edge not in ALLOWED_UPWARD}
    assert circles(unit_edges(kept)) == []
    assert ("app.routers", "app.services") in unit_edges(kept)  # the walk sees the parts


def test_no_module_of_the_app_exceeds_the_limit() -> None:
    texts = {
        str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
        for path in sorted(APP.rglob("*.py"))
    }
    assert len(texts) > 200
    found = too_long(texts)
    unexpected = {path: count for path, count in found.items() if path not in ALLOWED_LONG}
    assert unexpected == {}, f"split these modules (at most {MAX_LINES} lines each)"
    stale = sorted(set(ALLOWED_LONG) - set(found))
    assert not stale, f"allow-list entries no longer needed: {stale}"
