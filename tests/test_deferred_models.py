"""The app's models are DeferredModels: declared without their validators and serializers
(app.deferred_models), built at their first use or in the warm-up; the adapters FastAPI makes
of them once the app exists are built where FastAPI makes them."""

from __future__ import annotations

import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import httpx
import pytest
from fastapi import APIRouter, Body, FastAPI
from fastapi._compat import ModelField
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, _iter_routes_with_context
from pydantic import BaseModel, Field
from pydantic.warnings import UnsupportedFieldAttributeWarning

from app import deferred_models as deferred
from app.config import Settings
from app.deferred_models import DeferredModel
from app.main import _warm_models, _warm_routes, create_app
from app.routers.deferred import DeferredRoute


def _subclasses(model: type[BaseModel]) -> Iterator[type[BaseModel]]:
    for subclass in model.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


def test_every_model_of_the_app_is_deferred_but_the_settings() -> None:
    """A model declared on BaseModel would be built at every start again."""
    of_the_app = {
        model
        for model in _subclasses(BaseModel)
        if model.__module__.startswith("app.") and model.__module__ != "app.config"
    }
    assert len(of_the_app) > 200
    assert sorted(m.__qualname__ for m in of_the_app if not issubclass(m, DeferredModel)) == []


def test_importing_the_app_builds_no_model() -> None:
    """What `ilonet serve` imports before its first answer (in a process of its own: this one's
    models may have been used by other tests). The one exception is the generic Page, which
    pydantic builds when it is first parametrized (its parametrizations are not built)."""
    script = (
        "import uvicorn, app.main\n"
        "from app.deferred_models import declared\n"
        "print(len(declared()), *(m.__qualname__ for m in declared() if m.__pydantic_complete__))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    declared, *built = out.split()
    assert int(declared) > 200
    assert built == ["Page"]


@pytest.fixture
def declaring() -> Iterator[None]:
    """Models declared as the app's are while it is imported, before create_app."""
    before = DeferredModel.model_config.get("defer_build", False)
    DeferredModel.model_config["defer_build"] = True
    yield
    DeferredModel.model_config["defer_build"] = before


def _no_alias_warning(caught: list[warnings.WarningMessage]) -> list[str]:
    return [
        str(w.message) for w in caught if issubclass(w.category, UnsupportedFieldAttributeWarning)
    ]


@pytest.mark.usefixtures("declaring")
async def test_a_request_before_the_warm_up_builds_only_what_it_validates_with() -> None:
    class Label(DeferredModel):
        text: str = Field(max_length=5)

    class Parcel(DeferredModel):
        label: Label
        grams: int

    class Unused(DeferredModel):
        note: str

    assert [m for m in (Label, Parcel, Unused) if m.__pydantic_complete__] == []
    router = APIRouter(route_class=DeferredRoute)

    async def send(parcel: Any) -> Any:
        return parcel

    # The models are this test's own (declared while deferring), not its module's: the
    # endpoint's annotations are given as the types themselves.
    send.__annotations__ = {"parcel": Annotated[Parcel, Body()], "return": Parcel}
    router.add_api_route("/parcels", send, methods=["POST"], status_code=201)

    deferred.build_where_adapted()  # as create_app does
    served = FastAPI()
    served.include_router(router)
    transport = httpx.ASGITransport(app=served)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            sent = await client.post("/parcels", json={"label": {"text": "box"}, "grams": 20})
            refused = await client.post("/parcels", json={"label": {"text": "a crate"}})

    assert (sent.status_code, sent.json()) == (201, {"label": {"text": "box"}, "grams": 20})
    assert refused.status_code == 422
    errors = {(tuple(e["loc"]), e["type"]) for e in refused.json()["detail"]}
    assert errors == {
        (("body", "label", "text"), "string_too_long"),
        (("body", "grams"), "missing"),
    }
    assert _no_alias_warning(caught) == []  # FastAPI built the body's adapter, under its filter
    assert not Unused.__pydantic_complete__  # nothing but the request's own models

    await _warm_models()

    assert Unused.__pydantic_complete__
    assert Unused(note="kept").note == "kept"
    assert deferred.unbuilt() == []


def _fields(route: Any) -> Iterator[ModelField]:
    """Every field FastAPI validates or serializes with for a route (its adapters)."""
    yield from (f for f in (route.response_field, route.stream_item_field, route.body_field) if f)
    yield from route.response_fields.values()
    yield from _parameters(route.dependant)


def _parameters(dependant: Dependant) -> Iterator[ModelField]:
    yield from dependant.path_params
    yield from dependant.query_params
    yield from dependant.header_params
    yield from dependant.cookie_params
    yield from dependant.body_params
    for dependency in dependant.dependencies:
        yield from _parameters(dependency)


async def test_after_the_warm_up_no_model_or_adapter_is_left_to_a_request(
    harness_settings: Settings,
) -> None:
    served = create_app(harness_settings)

    await _warm_models()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        await _warm_routes(served)

    assert deferred.unbuilt() == []
    routes = [
        route
        for original, context in _iter_routes_with_context(served.routes)
        for route in (original, context)
        if isinstance(route, APIRoute) or (context is not None and route is context)
    ]
    assert len(routes) > 240
    fields = [field for route in routes for field in _fields(route)]
    assert len(fields) > 400
    assert [f.name for f in fields if not f._type_adapter.pydantic_complete] == []
    assert _no_alias_warning(caught) == []


def test_the_workers_forkserver_preloads_the_models_built() -> None:
    """The forkserver's preload list (app.workers PRELOAD), imported in order as it imports it:
    the workers forked from it build no model in their tasks."""
    script = (
        "import importlib\n"
        "from app.workers import PRELOAD\n"
        "for name in PRELOAD:\n"
        "    importlib.import_module(name)\n"
        "from app.deferred_models import declared, unbuilt\n"
        "print(len(declared()), len(unbuilt()))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    declared, unbuilt = (int(n) for n in out.split())
    assert declared > 20
    assert unbuilt == 0


def _run(script: str) -> list[str]:
    """A script's printed lines, run in a process of its own (FastAPI not yet imported)."""
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    return out.splitlines()


def test_the_versions_read_are_the_ones_installed() -> None:
    """What import_fastapi_deferred leaves unbuilt was read for these releases: a new lock
    fails here until it is read again (with others FastAPI's models are built at its import)."""
    import fastapi
    import pydantic

    assert fastapi.__version__.startswith(deferred.READ_FOR["fastapi"])
    assert pydantic.VERSION.startswith(deferred.READ_FOR["pydantic"])


def test_serve_imports_fastapi_with_its_openapi_models_unbuilt(tmp_path: Path) -> None:
    """`ilonet serve`'s import (app.cli.server._import_server) leaves the OpenAPI document's
    models unbuilt and BaseModel's config as it was; the document written in that process is
    byte for byte the committed one, and the warm-up builds every model left."""
    output = tmp_path / "openapi.json"
    script = f"""
import asyncio, json, threading
from pydantic import BaseModel
from app.cli.server import _import_server
_import_server(threading.Event())
import fastapi.openapi.models as oa
from app.deferred_models import of_libraries
models = [c for c in vars(oa).values() if getattr(c, "__module__", "") == oa.__name__]
models = [c for c in models if isinstance(c, type) and issubclass(c, BaseModel)]
print(len(models), *sorted(m.__name__ for m in models if m.__pydantic_complete__))
left = of_libraries()
print(len(left), *sorted(m.__name__ for m in left if m.__pydantic_complete__))
print("defer_build" in BaseModel.model_config, *(m.model_config["defer_build"] for m in left))
class Later(BaseModel):
    n: int
print(Later.__pydantic_complete__)
from app.cli.common import settings_for
from app.main import _warm_models, create_app
document = create_app(settings_for()).openapi()  # as `ilonet openapi` writes it
text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\\n"
open({str(output)!r}, "w").write(text)
asyncio.run(_warm_models())
print(*sorted(m.__name__ for m in left if not m.__pydantic_complete__))
"""
    openapi_models, left_unbuilt, restored, later, after_warm_up = _run(script)

    total, *built = openapi_models.split()
    assert int(total) == 36
    # rebuilt by the module itself, and instantiated at FastAPI's import (OAuth2's default
    # flows) or the app's (its HTTPBearer scheme)
    assert built == ["Encoding", "HTTPBearer", "OAuthFlows", "Operation", "Schema"]
    count, *built_since = left_unbuilt.split()
    assert int(count) >= 31
    assert built_since == ["HTTPBearer"]
    assert restored.split() == ["False", *["False"] * int(count)]
    assert later == "True"
    committed = Path(__file__).resolve().parents[1] / "openapi" / "openapi.json"
    assert output.read_bytes() == committed.read_bytes()
    assert after_warm_up == ""


def test_other_releases_get_fastapi_models_built_at_its_import() -> None:
    script = (
        "from app import deferred_models\n"
        "deferred_models.READ_FOR['fastapi'] = '0.0.'\n"
        "deferred_models.import_fastapi_deferred()\n"
        "import fastapi.openapi.models as oa\n"
        "print(deferred_models.of_libraries(), oa.PathItem.__pydantic_complete__)\n"
    )
    assert _run(script) == ["[] True"]


def test_nothing_is_deferred_once_fastapi_is_imported() -> None:
    """In a process that imported FastAPI first (the tests, `ilonet openapi`), as on import."""
    script = (
        "import fastapi.openapi.models as oa\n"
        "from app import deferred_models\n"
        "deferred_models.import_fastapi_deferred()\n"
        "print(deferred_models.of_libraries(), oa.PathItem.__pydantic_complete__)\n"
    )
    assert _run(script) == ["[] True"]
