"""DeferredRoute: a router's route that builds its request handling when it is first used, not
when its module is imported.

FastAPI builds an `APIRoute` where the route is declared (its parameters' and answers'
validators, its handler), and builds it again for each app that includes its router (what the
app serves, after the server answers: app.main). The build at the declaration is not what an app
serves with, yet it was a quarter of importing the app on every start. A DeferredRoute keeps what an
inclusion and the OpenAPI document read of it (its path, endpoint, answer model, tags, ...) and
builds the rest, as `APIRoute` does, the first time anything reads it (the parsed parameters a
page link or a 422 reads from the route a request matched, the handler).
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable
from enum import IntEnum
from typing import Any

from fastapi._compat.shared import lenient_issubclass
from fastapi._form_limits import _validate_form_limits
from fastapi.datastructures import Default, DefaultPlaceholder
from fastapi.dependencies.models import _is_async_gen_callable, _is_gen_callable
from fastapi.dependencies.utils import get_stream_item_type, get_typed_return_annotation
from fastapi.routing import APIRoute
from fastapi.sse import EventSourceResponse, ServerSentEvent
from fastapi.utils import generate_unique_id
from starlette.responses import JSONResponse, Response
from starlette.routing import get_name

# What an inclusion of the router and the OpenAPI document read of the declared route, set at
# the declaration exactly as APIRoute sets them (tests/routers/test_deferred_routes.py compares):
# those taken as given (with APIRoute's defaults), then those it derives.
COPIED: dict[str, Any] = {
    "summary": None,
    "response_description": "Successful Response",
    "deprecated": None,
    "operation_id": None,
    "response_model_include": None,
    "response_model_exclude": None,
    "response_model_by_alias": True,
    "response_model_exclude_unset": False,
    "response_model_exclude_defaults": False,
    "response_model_exclude_none": False,
    "include_in_schema": True,
    "response_class": Default(JSONResponse),
    "dependency_overrides_provider": None,
    "callbacks": None,
    "openapi_extra": None,
    "generate_unique_id_function": Default(generate_unique_id),
    "strict_content_type": Default(True),
    "max_body_size": None,
    "stream_item_type": None,
}
DERIVED = (
    "path",
    "endpoint",
    "name",
    "methods",
    "tags",
    "responses",
    "dependencies",
    "description",
    "status_code",
    "response_model",
    "form_limits",
)
DESCRIBED = (*COPIED, *DERIVED)
_BUILDING = threading.RLock()


class DeferredRoute(APIRoute):
    """An `APIRoute` whose dependant, body and answer fields and handler are built at first use."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **options: Any) -> None:
        self.declaration = (path, endpoint, options)
        self._built = False
        self._building = False
        for name, default in COPIED.items():
            setattr(self, name, options.get(name, default))
        self.form_limits = _validate_form_limits(options.get("form_limits"))
        self.path, self.endpoint = path, endpoint
        self.tags = options.get("tags") or []
        self.responses = options.get("responses") or {}
        self.name = get_name(endpoint) if options.get("name") is None else options["name"]
        self.methods = {method.upper() for method in options.get("methods") or ["GET"]}
        status_code = options.get("status_code")
        self.status_code = int(status_code) if isinstance(status_code, IntEnum) else status_code
        self.dependencies = list(options.get("dependencies") or [])
        description = options.get("description") or inspect.cleandoc(endpoint.__doc__ or "")
        self.description = description.split("\f")[0].strip()
        self._describe_answer(endpoint, options)

    def _describe_answer(self, endpoint: Callable[..., Any], options: dict[str, Any]) -> None:
        """The answer's model (or the streamed items' type), from the return annotation unless
        given, as APIRoute reads it."""
        response_model = options.get("response_model", Default(None))
        if isinstance(response_model, DefaultPlaceholder):
            annotation = get_typed_return_annotation(endpoint)
            stream_item = get_stream_item_type(annotation)
            is_generator = _is_async_gen_callable(endpoint) or _is_gen_callable(endpoint)
            response_class = self.response_class
            if lenient_issubclass(annotation, Response):
                response_model = None
            elif stream_item is not None and is_generator:
                if (
                    isinstance(response_class, DefaultPlaceholder)
                    or lenient_issubclass(response_class, EventSourceResponse)
                ) and not lenient_issubclass(stream_item, ServerSentEvent):
                    self.stream_item_type = stream_item
                response_model = None
            else:
                response_model = annotation
        self.response_model = response_model

    def __getattr__(self, name: str) -> Any:
        """Anything not described (the dependant, the fields, the handler, the path's regex,
        the unique id): the route is built, then read."""
        if name.startswith("__") or self.__dict__.get("_built", True):
            raise AttributeError(name)
        self.build()
        return object.__getattribute__(self, name)

    def build(self) -> None:
        """Build the route as APIRoute does (once; a route read meanwhile waits for it)."""
        with _BUILDING:
            if self._built or self._building:
                return
            self._building = True
            try:
                path, endpoint, options = self.declaration
                APIRoute.__init__(self, path, endpoint, **options)
                self._built = True
            finally:
                self._building = False

    @property
    def built(self) -> bool:
        return self._built
