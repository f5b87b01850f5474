"""Request and response models (Pydantic v2), one module per resource.

Their modules are written without `from __future__ import annotations`: pydantic then collects
each field's annotation as the object Python made of it where the class is declared, instead of
compiling and evaluating its text (~1,100 of them, at every start).
"""
