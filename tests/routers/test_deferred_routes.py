"""The routers' routes are DeferredRoutes: declared without building FastAPI's validators and
handler, described exactly as APIRoute describes them, built when first read."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from pydantic import BaseModel

import app.routers
from app.routers.deferred import DESCRIBED, DeferredRoute


def _routers() -> dict[str, APIRouter]:
    found = {}
    for module in pkgutil.iter_modules(app.routers.__path__):
        router = getattr(importlib.import_module(f"app.routers.{module.name}"), "router", None)
        if isinstance(router, APIRouter):
            found[module.name] = router
    return found


ROUTERS = _routers()
DECLARED = [
    pytest.param(route, id=f"{route.name}-{min(route.methods or [''])}")
    for router in ROUTERS.values()
    for route in router.routes
    if isinstance(route, DeferredRoute)
]


def test_every_router_declares_deferred_routes() -> None:
    assert len(ROUTERS) >= 24
    undeferred = [
        f"{name}: {getattr(route, 'path', route)}"
        for name, router in ROUTERS.items()
        for route in router.routes
        if router.route_class is not DeferredRoute or not isinstance(route, DeferredRoute)
    ]
    assert undeferred == []
    assert len(DECLARED) >= 120


def _described(route: APIRoute) -> dict[str, Any]:
    return {name: getattr(route, name) for name in DESCRIBED}


@pytest.mark.parametrize("declared", DECLARED)
def test_a_route_is_described_as_apiroute_describes_it(declared: DeferredRoute) -> None:
    path, endpoint, options = declared.declaration
    deferred = DeferredRoute(path, endpoint, **options)
    assert not deferred.built
    assert _described(deferred) == _described(APIRoute(path, endpoint, **options))
    assert not deferred.built


class Item(BaseModel):
    name: str


def _declare() -> tuple[APIRouter, DeferredRoute]:
    router = APIRouter(prefix="/items", route_class=DeferredRoute)

    @router.post("/{shelf}", status_code=201)
    async def put_on_shelf(shelf: int, item: Item, note: str = "") -> Item:
        """Put an item on a shelf."""
        return Item(name=f"{item.name} on {shelf}{note}")

    route = router.routes[0]
    assert isinstance(route, DeferredRoute)
    return router, route


async def test_an_app_serves_a_deferred_route_without_building_it() -> None:
    router, route = _declare()
    served = FastAPI()
    served.include_router(router)
    transport = httpx.ASGITransport(app=served)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        created = await client.post("/items/3", params={"note": "!"}, json={"name": "box"})
        refused = await client.post("/items/x", json={})
        document = (await client.get("/openapi.json")).json()

    assert (created.status_code, created.json()) == (201, {"name": "box on 3!"})
    assert refused.status_code == 422
    missing = {tuple(e["loc"]) for e in refused.json()["detail"]}
    assert missing == {("path", "shelf"), ("body", "name")}
    operation = document["paths"]["/items/{shelf}"]["post"]
    assert operation["summary"] == "Put On Shelf"
    assert operation["description"] == "Put an item on a shelf."
    assert [p["name"] for p in operation["parameters"]] == ["shelf", "note"]
    assert not route.built  # the app served what it built of its own inclusion


def test_reading_what_is_not_described_builds_the_route_once() -> None:
    _, route = _declare()
    assert not route.built

    dependant = route.dependant  # what a page link reads of the route a request matched

    assert route.built
    assert [p.name for p in dependant.path_params] == ["shelf"]
    assert [p.name for p in dependant.query_params] == ["note"]
    assert route.body_field is not None
    assert route.body_field.field_info.annotation is Item
    assert route.unique_id == "put_on_shelf_items__shelf__post"
    handler = route.app
    route.build()
    assert route.app is handler
    assert route.dependant is dependant


async def test_the_warm_up_builds_the_declared_routes() -> None:
    """Once the server answers, it builds what its requests will read (app.main._warm_routes):
    no request after the warm-up builds a route."""
    from app.main import _warm_routes

    router, route = _declare()
    served = FastAPI()
    served.include_router(router)

    await _warm_routes(served)

    assert route.built
