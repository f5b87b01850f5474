"""Shapes shared by every resource: pages and strict input models."""

import re
import types
from datetime import date, time
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, Generic, TypeVar, Union, get_args, get_origin

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from app.deferred_models import DeferredModel
from app.reference import load_participants

T = TypeVar("T")


def _scalar(annotation: Any) -> Any:
    """The one type a field holds, unwrapped from `Annotated` and `| None` (None otherwise)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _scalar(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        held = [arg for arg in get_args(annotation) if arg is not type(None)]
        return _scalar(held[0]) if len(held) == 1 else None
    return annotation if isinstance(annotation, type) else None


def _json_type(held: Any) -> str | None:
    """The JSON type the document gives a field of type `held` when pydantic would also read it
    from another JSON type: "string" (a date or time), "boolean" or "number"; None otherwise."""
    if held is None:
        return None
    if issubclass(held, date | time):
        return "string"
    if issubclass(held, bool):
        return "boolean"
    if issubclass(held, int | float | Decimal):
        return "number"
    return None


@cache
def _json_types(model: type[BaseModel]) -> dict[str, str]:
    """A model's keys (as a client sends them) whose JSON type pydantic would read loosely."""
    types_: dict[str, str] = {}
    for name, field in model.model_fields.items():
        kind = _json_type(_scalar(field.annotation))
        if kind is not None:
            key = field.validation_alias if isinstance(field.validation_alias, str) else None
            types_[key or field.alias or name] = kind
    return types_


class _OfAnotherJsonType:
    """What a value of another JSON type is replaced by before validation: a value no type
    reads, so the field's own check refuses it (a 422 naming the field and its type)."""

    __slots__ = ("value",)

    def __init__(self, value: int | float) -> None:
        self.value = value

    def __repr__(self) -> str:
        return repr(self.value)


class JsonTypesAsDocumented(DeferredModel):
    """A request model that refuses a value of a JSON type other than the document's where
    pydantic's lax reading would take it: a number as a date or a time (seconds since 1970), 0 or
    1 as a boolean, a boolean as a number. Each is a 422 naming the field, as any wrong type."""

    @model_validator(mode="before")
    @classmethod
    def _json_types_as_documented(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        loose = _json_types(cls)
        refused = {
            key: _OfAnotherJsonType(value)
            for key, value in data.items()
            if isinstance(value, int | float)
            and (kind := loose.get(key)) is not None
            and (kind == "string" or (kind == "boolean") != isinstance(value, bool))
        }
        return {**data, **refused} if refused else data


class StrictInput(JsonTypesAsDocumented):
    """Request bodies: unknown fields are refused (a typo is an error, not a silent default), and
    so is an item repeated in a set-like array: one whose Field has
    `json_schema_extra={"uniqueItems": True}` (OpenAPI shows it). A repeat is refused (422), not
    silently collapsed: the client learns that its list was not what it meant."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _distinct_items(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        extra = field.json_schema_extra if field is not None else None
        if isinstance(value, list) and isinstance(extra, dict) and extra.get("uniqueItems"):
            seen: set[Any] = set()
            for item in value:
                if item in seen:
                    raise ValueError(f"{getattr(item, 'value', item)!r} is listed twice")
                seen.add(item)
        return value


# The most rows a page holds: the `limit` a list route accepts (app/pagination.py) is at most it.
PAGE_MAX = 200
# The longest cursor the server makes and takes back (app/pagination.py): the base64 of its
# position (a row's keys: ids, days, codes, at most two names of String(200), each character
# at most 6 bytes of JSON) and of a 16-byte digest binding it to the client and the list, and
# a 16-byte signature, with room to spare.
CURSOR_MAX = 4096
CursorText = Annotated[str, StringConstraints(max_length=CURSOR_MAX)]


# A page of a list within a resource (a network's members, a record's log, an audit bundle's
# events): the `limit` its route accepts is at most it (app/pagination.py PartPaged).
PART_PAGE_MAX = 100


class Page(DeferredModel, Generic[T]):
    items: list[T] = Field(max_length=PAGE_MAX)
    next_cursor: CursorText | None


CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$", min_length=2, max_length=2)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=200)]
# A subject-data field name (what a transfer or share discloses); stored as String(64).
FieldName = Annotated[str, StringConstraints(min_length=1, max_length=64)]
# The client system's own id for a resource, unique within its organisation: 1-100 visible
# ASCII characters, never personal data (a member-state system reconciles on it, not on our ids).
# What the server writes itself, bounded by its column: an id it makes (a decision's id, a policy
# version: String(64)), a client's subject (String(300)), a resource's version (Integer).
ColumnId = Annotated[str, StringConstraints(max_length=64)]
# A stored text read back, bounded by its String(n) column.
Column2 = Annotated[str, StringConstraints(max_length=2)]
Column16 = Annotated[str, StringConstraints(max_length=16)]
Column32 = Annotated[str, StringConstraints(max_length=32)]
Column64 = Annotated[str, StringConstraints(max_length=64)]
Column100 = Annotated[str, StringConstraints(max_length=100)]
Column200 = Annotated[str, StringConstraints(max_length=200)]
Column300 = Annotated[str, StringConstraints(max_length=300)]
Column500 = Annotated[str, StringConstraints(max_length=500)]
Column2000 = Annotated[str, StringConstraints(max_length=2000)]
# A Text column's value read back: written only as `Text` (at most 2000 characters).
StoredText = Annotated[str, StringConstraints(max_length=2000)]
Subject = Annotated[str, StringConstraints(max_length=300)]
Version = Annotated[int, Field(ge=1, le=2**31 - 1)]
# A count or size read back from an Integer or a SmallInteger column.
ColumnCount = Annotated[int, Field(ge=0, le=2**31 - 1)]
# A BigInteger column's id or position (an identity from 1), or a count of its rows.
BigId = Annotated[int, Field(ge=1, le=2**63 - 1)]
BigCount = Annotated[int, Field(ge=0, le=2**63 - 1)]
# A SHA-256 as hex (String(64)).
Hex64 = Annotated[str, StringConstraints(max_length=64)]
# A figure PostgreSQL computes (a count or sum is a bigint).
Int64 = Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]
# An Integer column read back as it is.
Int32 = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]
# The days between two dates (a Python date is 0001-01-01 to 9999-12-31).
DAYS_SPAN = 3_652_058
Days = Annotated[int, Field(ge=-DAYS_SPAN, le=DAYS_SPAN)]
SmallCount = Annotated[int, Field(ge=0, le=2**15 - 1)]
SmallInt = Annotated[int, Field(ge=-(2**15), le=2**15 - 1)]
# The subject-data fields a transfer or share discloses (ARRAY(String(64))), as its input admits.
DISCLOSED_MAX = 30
Disclosed = Annotated[list[Column64], Field(max_length=DISCLOSED_MAX)]
# A restriction's Art. 18(1) ground, a letter (String(1)).
Column1 = Annotated[str, StringConstraints(max_length=1)]
# A count of rows or of a stored list's items, or a figure summed from them: an int64 of
# PostgreSQL (count(*), sum()).
Count = BigCount


# An ISO 3166-1 alpha-2 code read back (String(2), [A-Z]{2}): at most 26 * 26 of them.
COUNTRIES_MAX = 26 * 26
# An organisation's code (the organisations.code column, String(16)), as a filter or a path.
OrganisationCode = Annotated[str, StringConstraints(max_length=16)]
# The organisations there are: the participants the migrations write (app/reference's
# participants.json); no other write reaches their table (app/db/guard.py). A list naming each
# organisation once holds no more (tests/db holds the table to it).
ORGANISATIONS_MAX = len(load_participants())
OrganisationCodes = Annotated[list[OrganisationCode], Field(max_length=ORGANISATIONS_MAX)]
# The months and quarters of a period (a date is of the years 1 to 9999).
MONTHS_MAX = 12 * 9999
QUARTERS_MAX = 4 * 9999
ExternalReference = Annotated[
    str, StringConstraints(pattern=r"^[!-~]{1,100}$", min_length=1, max_length=100)
]


def _iso_day(value: object) -> object:
    """A query's date is YYYY-MM-DD (pydantic would read "0" as a Unix time)."""
    if isinstance(value, str) and not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ValueError("a date as YYYY-MM-DD")
    return value


# A date in a query string.
QueryDate = Annotated[date, BeforeValidator(_iso_day)]
