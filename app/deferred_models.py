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

FastAPI's own models are deferred the same way where `ilonet serve` imports FastAPI
(`import_fastapi_deferred`): its OpenAPI document's models, built at FastAPI's import, are used
only to write /openapi.json.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pydantic
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


# The releases whose import was read for what `import_fastapi_deferred` leaves unbuilt (FastAPI
# 0.165 builds the 36 models of its OpenAPI document, fastapi.openapi.models, where it declares
# them: ~70 ms of CPU; three of them, which the module rebuilds itself, and the two its security
# classes instantiate at import stay built). With other releases FastAPI's models are built at
# its import, as FastAPI builds them.
READ_FOR = {"fastapi": "0.165.", "pydantic": "2.14."}

# FastAPI's models left unbuilt by import_fastapi_deferred, built by the warm-up (app.main).
_of_libraries: list[type[BaseModel]] = []


def import_fastapi_deferred() -> None:
    """Import FastAPI with the pydantic models declared meanwhile left unbuilt, each built at
    its first use (its OpenAPI models when a document is written) or by the warm-up.

    pydantic has no switch for models it does not own: a model takes `defer_build` from its
    bases' config, so BaseModel's own config carries it while FastAPI's modules run, and not a
    moment longer. A model another thread declares meanwhile is deferred too and treated alike.
    Once FastAPI is imported they defer no longer: an adapter made of one (FastAPI's, as it
    builds a route) is built where it is made, as after `build_where_adapted`."""
    if "fastapi" in sys.modules or "defer_build" in BaseModel.model_config:
        return  # imported already, or someone else defers: nothing of this to undo
    before = set(_subclasses(BaseModel))
    BaseModel.model_config["defer_build"] = True
    try:
        import fastapi
    finally:
        del BaseModel.model_config["defer_build"]
    meanwhile = [
        model
        for model in _subclasses(BaseModel)
        if model not in before and not issubclass(model, DeferredModel)
    ]
    for model in meanwhile:
        model.model_config["defer_build"] = False
    read = fastapi.__version__.startswith(READ_FOR["fastapi"]) and pydantic.VERSION.startswith(
        READ_FOR["pydantic"]
    )
    for model in meanwhile:
        if not model.__pydantic_complete__:
            if read:
                _of_libraries.append(model)
            else:
                build(model)


def of_libraries() -> list[type[BaseModel]]:
    """The libraries' models import_fastapi_deferred left unbuilt (none if it did not run)."""
    return list(_of_libraries)


def _subclasses(model: type[BaseModel]) -> Iterator[type[BaseModel]]:
    for subclass in model.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)
