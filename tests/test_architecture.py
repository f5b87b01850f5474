"""The architecture, enforced: writes only in app/db, every /v1 route authenticated, pure policies.

Each checker comes with a self-test proving that it catches what it is for, so a checker that
silently stops matching anything fails here instead of passing vacuously.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, Depends, FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from app.config import Settings
from app.db.session import ReadSession
from app.main import create_app
from app.security import CurrentPrincipal, authenticate

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app"

# --- (a) no session/connection writes outside app/db -------------------------------------------

# Methods that write whatever their arguments are.
WRITE_METHODS = frozenset(
    {
        "add",
        "add_all",
        "delete",
        "merge",
        "commit",
        "flush",
        "bulk_save_objects",
        "bulk_insert_mappings",
        "bulk_update_mappings",
    }
)
# Methods that write when handed a DML statement or raw SQL.
EXECUTE_METHODS = frozenset(
    {"execute", "executemany", "exec_driver_sql", "scalar", "scalars", "stream", "fetch"}
)
DML_FACTORIES = frozenset({"insert", "update", "delete", "text"})
# Known writes outside app/db, each with the reason it is tolerated: (path, function, method).
ALLOWED: dict[tuple[str, str, str], str] = {}


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    function: str
    method: str
    code: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.path, self.function, self.method)


def _dotted(node: ast.expr) -> str:
    """`self.session` -> "self.session"; anything that is not a name chain -> ""."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else ""
    return ""


def _looks_like_session(node: ast.expr, aliases: set[str]) -> bool:
    """A name or attribute whose last part names a session or connection (or an alias of one)."""
    dotted = _dotted(node)
    if not dotted:
        return False
    if dotted in aliases:
        return True
    last = dotted.rsplit(".", 1)[-1].lower()
    return "session" in last or "conn" in last


def _root_call_name(node: ast.expr) -> str | None:
    """The factory a statement is built from: `update(X).where(...).values(...)` -> "update"."""
    while True:
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                return func.id
            if isinstance(func, ast.Attribute):
                # sa.update(X) or postgresql.insert(X): the factory itself
                if isinstance(func.value, ast.Name | ast.Attribute) and func.attr in DML_FACTORIES:
                    return func.attr
                node = func.value  # a method on a statement: keep walking down the chain
                continue
            return None
        if isinstance(node, ast.Attribute):
            node = node.value
            continue
        return None


class _WriteFinder(ast.NodeVisitor):
    def __init__(self, path: str, source: str) -> None:
        self.path = path
        self.source = source
        self.findings: list[Finding] = []
        self.function = "<module>"
        self.factories = set(DML_FACTORIES)  # local names of insert/update/delete/text
        self.statements: set[str] = set()  # variables holding a DML statement or raw SQL
        self.sessions: set[str] = set()  # variables holding a session or connection

    # imports: `from sqlalchemy import delete as sa_delete` makes "sa_delete" a factory
    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            if alias.name in DML_FACTORIES and alias.asname:
                self.factories.add(alias.asname)

    def _visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        outer = (self.function, set(self.statements), set(self.sessions))
        self.function = node.name
        self.generic_visit(node)
        self.function, self.statements, self.sessions = outer

    visit_FunctionDef = _visit_function
    visit_AsyncFunctionDef = _visit_function

    def _is_dml(self, node: ast.expr) -> bool:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return True
        if isinstance(node, ast.JoinedStr):
            return True
        if isinstance(node, ast.Name) and node.id in self.statements:
            return True
        name = _root_call_name(node)
        return name is not None and (name in self.factories or name in DML_FACTORIES)

    def _bind(self, target: ast.expr, value: ast.expr) -> None:
        if not isinstance(target, ast.Name):
            return
        if self._is_dml(value) and not isinstance(value, ast.Constant | ast.JoinedStr):
            self.statements.add(target.id)
        if _looks_like_session(value, self.sessions) or (
            isinstance(value, ast.Await | ast.Call) and _is_session_factory(value)
        ):
            self.sessions.add(target.id)

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._bind(target, node.value)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._bind(node.target, node.value)
        self.generic_visit(node)

    def _visit_with(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            if item.optional_vars is not None and _is_session_factory(item.context_expr):
                self._bind_session(item.optional_vars)
        self.generic_visit(node)

    visit_With = _visit_with
    visit_AsyncWith = _visit_with

    def _bind_session(self, target: ast.expr) -> None:
        if isinstance(target, ast.Name):
            self.sessions.add(target.id)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and _looks_like_session(func.value, self.sessions):
            writes = func.attr in WRITE_METHODS or (
                func.attr in EXECUTE_METHODS and bool(node.args) and self._is_dml(node.args[0])
            )
            if writes:
                self.findings.append(
                    Finding(
                        self.path,
                        node.lineno,
                        self.function,
                        func.attr,
                        ast.get_source_segment(self.source, node) or "",
                    )
                )
        self.generic_visit(node)


def _is_session_factory(node: ast.expr) -> bool:
    """`maker()`, `engine.connect()`, `asyncpg.connect(...)`, `session.begin()` and the like."""
    if isinstance(node, ast.Await):
        node = node.value
    if not isinstance(node, ast.Call):
        return False
    name = _dotted(node.func).lower()
    return any(part in name for part in ("session", "maker", "connect", "conn"))


def find_writes(source: str, path: str = "<snippet>") -> list[Finding]:
    finder = _WriteFinder(path, source)
    finder.visit(ast.parse(source))
    return sorted(finder.findings)


# Migrations change the schema (and load reference data) as the database owner, before any
# request: they are the one writer besides app/db, and run through Alembic, not a session.
OUTSIDE_THE_REQUEST_PATH = (APP / "db", APP / "migrations")


def app_modules_outside_db() -> Iterator[Path]:
    for path in sorted(APP.rglob("*.py")):
        if any(place in path.parents for place in OUTSIDE_THE_REQUEST_PATH):
            continue
        yield path


def test_write_checker_flags_session_and_connection_writes() -> None:
    source = """
from sqlalchemy import delete as remove, text, update

async def handler(session, conn, writer, row):
    session.add(row)
    session.add_all([row])
    await session.delete(row)
    await session.merge(row)
    await session.flush()
    await session.commit()
    await conn.execute(text("DELETE FROM t"))
    await conn.execute("UPDATE t SET x = 1")
    await conn.execute(f"DROP TABLE {row}")
    await writer.session.execute(update(T).where(T.id == 1).values(x=1))
    await self.session.execute(remove(T))
    statement = update(T).values(x=2)
    await session.execute(statement)
    async with maker() as s:
        s.add(row)
    db = writer.session
    db.add(row)
"""
    found = [(f.function, f.method, f.code) for f in find_writes(source)]
    assert [code for _, _, code in found] == [
        "session.add(row)",
        "session.add_all([row])",
        "session.delete(row)",
        "session.merge(row)",
        "session.flush()",
        "session.commit()",
        'conn.execute(text("DELETE FROM t"))',
        'conn.execute("UPDATE t SET x = 1")',
        'conn.execute(f"DROP TABLE {row}")',
        "writer.session.execute(update(T).where(T.id == 1).values(x=1))",
        "self.session.execute(remove(T))",
        "session.execute(statement)",
        "s.add(row)",
        "db.add(row)",
    ]
    assert {function for function, _, _ in found} == {"handler"}


def test_write_checker_ignores_reads_sets_routers_and_the_writer() -> None:
    source = """
from sqlalchemy import select

seen = set()

@router.delete("/x")
async def handler(session, writer, row, cache):
    seen.add(row)
    cache.delete("k")
    router.add_api_route("/y", handler)
    await session.execute(select(T))
    await session.scalars(select(T).where(T.id == 1))
    await session.get(T, 1)
    await writer.perform(entry, context, target, body)
    session.info.setdefault("k", set()).add(1)
"""
    assert find_writes(source) == []


def test_no_session_or_connection_writes_outside_app_db() -> None:
    findings = [
        f
        for path in app_modules_outside_db()
        for f in find_writes(path.read_text(), str(path.relative_to(ROOT)))
    ]
    unexpected = [f for f in findings if f.key not in ALLOWED]
    assert unexpected == [], "\n".join(
        f"{f.path}:{f.line} in {f.function}: {f.code} — write through app.db.writer.Writer"
        for f in unexpected
    )
    stale = set(ALLOWED) - {f.key for f in findings}
    assert not stale, f"allow-list entries no longer needed: {sorted(stale)}"


def test_the_write_checker_sees_the_whole_app() -> None:
    """The walk covers every layer outside app/db and skips app/db, where the Writer lives."""
    scanned = {p.relative_to(APP).parts[0] for p in app_modules_outside_db()}
    assert {"routers", "services", "policies", "models", "schemas", "main.py", "cli"} <= scanned
    assert "db" not in scanned
    writer_source = (APP / "db" / "writer.py").read_text()
    assert find_writes(writer_source), "the checker must recognise the Writer's own writes"


# --- (b) every /v1 route authenticates ---------------------------------------------------------

WRITE_HTTP_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def depends_on(dependant: Dependant, target: Callable[..., Any]) -> bool:
    return any(
        dependency.call is target or depends_on(dependency, target)
        for dependency in dependant.dependencies
    )


def v1_route_dependants(application: FastAPI) -> Iterator[tuple[str, Dependant]]:
    """(method and path, effective dependant) of every /v1 API route, included routers too.

    The effective dependant holds what `include_router(..., dependencies=...)` adds as well.
    """
    for context in iter_route_contexts(application.routes):
        if not isinstance(context.original_route, APIRoute):
            continue
        path = context.path or ""
        if not path.startswith("/v1"):
            continue
        dependant: Dependant = context.dependant
        for method in sorted(context.methods or ()):
            yield f"{method} {path}", dependant


def unauthenticated_v1_routes(application: FastAPI) -> list[str]:
    return sorted(
        route
        for route, dependant in v1_route_dependants(application)
        if not depends_on(dependant, authenticate)
    )


def v1_routes(application: FastAPI) -> set[str]:
    return {route for route, _ in v1_route_dependants(application)}


def test_every_v1_route_depends_on_authenticate(settings: Settings) -> None:
    application = create_app(settings)
    routes = v1_routes(application)
    writes = {r for r in routes if r.split(" ", 1)[0] in WRITE_HTTP_METHODS}
    # Not vacuous: the write routes of the API are all there to be checked.
    assert {
        "POST /v1/authorities",
        "POST /v1/officers",
        "PATCH /v1/officers/{officer_id}",
        "POST /v1/deployments",
        "PATCH /v1/deployments/{deployment_id}",
        "POST /v1/deployments/{deployment_id}/transitions",
    } <= writes
    assert {"GET /v1/events", "GET /v1/audit/events", "GET /v1/audit/verify"} <= routes

    assert unauthenticated_v1_routes(application) == []


def test_the_route_check_catches_an_unguarded_route(settings: Settings) -> None:
    application = create_app(settings)

    @application.post("/v1/unguarded")
    async def unguarded(session: ReadSession) -> dict[str, str]:
        return {}

    @application.get("/v1/unguarded-read")
    async def unguarded_read() -> dict[str, str]:
        return {}

    @application.delete("/v1/guarded/{x}")
    async def guarded(x: str, principal: CurrentPrincipal) -> dict[str, str]:
        return {}

    included = APIRouter(prefix="/v1/included")

    @included.put("/{x}")
    async def included_unguarded(x: str) -> dict[str, str]:
        return {}

    guarded_by_include = APIRouter(prefix="/v1/guarded-by-include")

    @guarded_by_include.patch("/{x}")
    async def guarded_by_the_router(x: str) -> dict[str, str]:
        return {}

    application.include_router(included)
    application.include_router(guarded_by_include, dependencies=[Depends(authenticate)])

    assert unauthenticated_v1_routes(application) == [
        "GET /v1/unguarded-read",
        "POST /v1/unguarded",
        "PUT /v1/included/{x}",
    ]


async def test_an_unauthenticated_write_is_refused_before_any_work(
    client: httpx.AsyncClient,
) -> None:
    """What the dependency buys: no token, a 401 problem, whatever the body."""
    response = await client.post(
        "/v1/authorities",
        json={"organisation": "NL", "name": "IND", "authority_kind": "immigration"},
    )
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


# --- (c) the policies are pure -----------------------------------------------------------------

# Third-party and I/O modules the rule engine must not touch (no ORM, no HTTP, no I/O).
FORBIDDEN_IN_POLICIES = frozenset(
    {
        "sqlalchemy",
        "fastapi",
        "starlette",
        "pydantic",
        "asyncpg",
        "httpx",
        "jose",
        "alembic",
        "uvicorn",
        "os",
        "io",
        "pathlib",
        "socket",
        "subprocess",
        "requests",
        "urllib",
        "logging",
    }
)


def imported_modules(source: str, package: str) -> list[str]:
    """Absolute names of every module `source` (a module of `package`) imports."""
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            if module != "app":  # `from app import x` imports x, not the package's code
                names.append(module)
            names.extend(f"{module}.{alias.name}" for alias in node.names if alias.name != "*")
    return names


def impure_imports(source: str, package: str = "app.policies") -> list[str]:
    bad: list[str] = []
    for name in imported_modules(source, package):
        top = name.split(".", 1)[0]
        outside_policies = not (name == "app.policies" or name.startswith("app.policies."))
        if (top == "app" and outside_policies) or top in FORBIDDEN_IN_POLICIES:
            bad.append(name)
    return sorted(set(bad))


def test_the_import_checker_flags_app_and_io_imports() -> None:
    source = """
import os
import app.models
from app.db.writer import Writer
from sqlalchemy import select
from .. import security
from ..problems import PolicyDenied
from app.policies.acl import Actor
from .engine import Decision
from dataclasses import dataclass
"""
    assert impure_imports(source) == [
        "app.db.writer",
        "app.db.writer.Writer",
        "app.models",
        "app.problems",
        "app.problems.PolicyDenied",
        "app.security",
        "os",
        "sqlalchemy",
        "sqlalchemy.select",
    ]


def policy_modules() -> list[Path]:
    """Every module of app/policies, those of its packages (vocabulary, rules) included."""
    return sorted((APP / "policies").rglob("*.py"))


def package_of(path: Path) -> str:
    """The package a module's relative imports start from: app/policies/x/y.py -> app.policies.x."""
    parts = path.relative_to(ROOT).parent.parts
    return ".".join(parts)


@pytest.mark.parametrize(
    "path",
    policy_modules(),
    ids=lambda p: str(p.relative_to(APP / "policies")),
)
def test_policies_import_nothing_of_the_app_but_themselves(path: Path) -> None:
    assert impure_imports(path.read_text(), package_of(path)) == []


def test_policies_are_all_checked() -> None:
    checked = {str(p.relative_to(APP / "policies")) for p in policy_modules()}
    assert {"__init__.py", "engine.py", "acl.py", "deployment.py", "transfer.py"} <= checked
    assert {"vocabulary/__init__.py", "vocabulary/network.py", "declared.py"} <= checked


# --- (d) the entities' and schemas' annotations are objects, not text ---------------------------


def _annotations(classes: list[type]) -> list[tuple[str, str, object]]:
    return [
        (cls.__qualname__, name, annotation)
        for cls in classes
        for name, annotation in inspect.get_annotations(cls).items()
    ]


def test_the_entities_annotations_are_objects_not_text() -> None:
    """app/models is written without `from __future__ import annotations` (app/models/__init__):
    SQLAlchemy takes each `Mapped[...]` as the object it is instead of compiling its text."""
    from app.models import Base

    annotations = _annotations([mapper.class_ for mapper in Base.registry.mappers])
    assert len(annotations) > 400
    assert [(c, n) for c, n, annotation in annotations if isinstance(annotation, str)] == []


def test_the_schemas_annotations_are_objects_not_text() -> None:
    """app/schemas likewise (app/schemas/__init__): pydantic collects each field's annotation
    as the object it is instead of compiling its text."""
    import app.main  # noqa: F401  (every router, so every schema)
    from app.deferred_models import declared

    schemas = [m for m in declared() if m.__module__.startswith("app.schemas.")]
    assert len(schemas) > 150
    annotations = _annotations(list(schemas))
    assert len(annotations) > 900
    assert [(c, n) for c, n, annotation in annotations if isinstance(annotation, str)] == []
