"""Importing this module builds every model declared so far (app.deferred_models).

It is the last module the workers' forkserver preloads (app.workers PRELOAD): the workers forked
from it then start with the models of the modules it preloaded built, as they did when models
were built at their declaration, rather than each worker building them in its first tasks."""

from __future__ import annotations

from app.deferred_models import build, declared

for _model in declared():
    build(_model)
