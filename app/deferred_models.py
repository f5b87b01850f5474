"""DeferredModel: the app's pydantic models, declared without building their validators and
serializers; each is built at its first use, and all of them once the server answers (app.main).

pydantic builds a model's validator and serializer where the class is declared: for the app's
~240 models, a tenth of importing the app at every start, before any request could use one.
`defer_build` leaves that to the model's first use. FastAPI's `TypeAdapter`s of a route's
parameters, body and answer take `defer_build` from the model's config too, and an adapter left
unbuilt would be built by the first request it validates, outside the warning filter FastAPI
builds it under (pydantic warns that a body's `alias` has no effect there). So once the app is
made (`build_where_adapted`, from create_app) the models no longer defer: an adapter FastAPI
makes when it builds a router's routes (at the router's first request or in the warm-up) is
built there, as it was before; only the models' own validators wait for their first use.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class DeferredModel(BaseModel):
    """A model built at its first use (or by `build`), not at its declaration."""

    model_config = ConfigDict(defer_build=True)


def declared() -> list[type[DeferredModel]]:
    """Every model declared on DeferredModel so far (generic ones as parametrized too), each
    before its subclasses."""
    found: list[type[DeferredModel]] = []
    seen: set[type[DeferredModel]] = set()
    todo = [DeferredModel]
    while todo:
        for model in todo.pop(0).__subclasses__():
            if model not in seen:
                seen.add(model)
                found.append(model)
                todo.append(model)
    return found


def build_where_adapted() -> None:
    """From now on the adapters made of a model (FastAPI's, when it builds a route) are built
    where they are made, and so is a model declared from now on (a generic model's
    parametrization made later, a module imported after the start)."""
    models: list[type[DeferredModel]] = [DeferredModel, *declared()]
    for model in models:
        model.model_config["defer_build"] = False


def build(model: type[BaseModel]) -> None:
    """Build a model's validator and serializer if they are not yet (names in its annotations
    resolve in its module, as at its declaration: no caller's namespace is added)."""
    if not model.__pydantic_complete__:
        model.model_rebuild(raise_errors=True, _parent_namespace_depth=0)


def unbuilt() -> list[type[DeferredModel]]:
    """The declared models whose validator and serializer are not built yet."""
    return [model for model in declared() if not model.__pydantic_complete__]
