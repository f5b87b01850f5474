"""The bounds of the OpenAPI document: stated in full (every integer whose range is declared
says it as integers and the format it fits, int32 or int64; the If-Match header, whose schema
app/problems.py writes, keeps the length the route enforces), and what is left unbounded
counted (`Walk`, run by scripts/openapi_bounds.py and held to none sent by the tests): in what a
client sends (parameters, JSON bodies) and in what it receives (every JSON or problem answer,
the response headers); a CSV or HTML answer is a whole document, not a field.

A string is bounded by `maxLength`, an enum or const, or a format whose syntax bounds it (date,
date-time, uuid; a file part by the upload's body limit, 413 past it); an integer by `maximum`
and `minimum`, and a `format` of int32/int64; an array by `maxItems`. A `pattern` of ".*" and a
`maximum` of 2^63-1 count as unbounded, but for an int64 (a BigInteger column's id, position or
count: its own range). These are the OWASP ruleset's bounds (.spectral.yaml),
with the formats that bound a string."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote_plus

from app.bounds import PUBLIC_ORIGIN_MAX
from app.page_links import LINK_TAIL
from app.pagination import CURSOR_PATTERN
from app.routers.conventions import IF_MATCH_MAX

INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)
JSON = "application/json"
PROBLEM = "application/problem+json"


def integer_format(node: dict[str, Any]) -> str | None:
    """int32 or int64 for an integer whose declared range fits it; None when not declared."""
    low = node.get("minimum", node.get("exclusiveMinimum"))
    high = node.get("maximum", node.get("exclusiveMaximum"))
    if low is None or high is None:
        return None
    for name, (floor, ceiling) in (("int32", INT32), ("int64", INT64)):
        if floor <= low and high <= ceiling:
            return name
    return None


def _formats(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("type") == "integer":
            for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
                if isinstance(node.get(key), float) and node[key].is_integer():
                    node[key] = int(node[key])  # a strict int's bound is shown as 60.0
                    if node[key] == -INT64[0]:
                        # FastAPI's document keeps bounds as floats: an int64's own maximum,
                        # 2^63-1, comes out as 2^63, which no int64 holds
                        node[key] = INT64[1]
        if node.get("type") == "integer" and "format" not in node:
            name = integer_format(node)
            if name is not None:
                node["format"] = name
        for value in node.values():
            _formats(value)
    elif isinstance(node, list):
        for value in node:
            _formats(value)


def _longest(parameter: dict[str, Any]) -> int:
    schema = parameter.get("schema", {})
    options = [schema, *schema.get("anyOf", [])]
    found = [o.get("maxLength", 36 if o.get("format") == "uuid" else 0) for o in options]
    return max(found, default=0)


def location_max(schema: dict[str, Any]) -> int:
    """The longest Location a 201 names: a path of the document, each of its parameters at the
    length the route admits, with room for a query of one int64 (`?before=<n>`)."""
    longest = 0
    for template, item in schema.get("paths", {}).items():
        params = {
            p["name"]: _longest(p)
            for operation in item.values()
            for p in operation.get("parameters", [])
            if p.get("in") == "path"
        }
        size = len(re.sub(r"\{[^}]+\}", "", template))
        size += sum(params.get(name, 0) for name in re.findall(r"\{([^}]+)\}", template))
        longest = max(longest, size)
    return longest + LOCATION_QUERY


LOCATION_QUERY = len("?before=") + len(str(INT64[1]))
# A character percent-encoded in a URL: at most 4 bytes of UTF-8, each %XX.
ENCODED_CHAR_MAX = 12
# The instant a parameter may hold, written the longest way (each ':' and '+' encoded).
LONGEST_INSTANT = quote_plus("9999-12-31T23:59:59.999999+00:00")


def written_max(document: dict[str, Any], schema: dict[str, Any]) -> int:
    """The longest a parameter's value is written in a URL (app/page_links.py `written`,
    percent-encoded): an error for a parameter whose schema does not bound it."""
    options = [o for o in schema.get("anyOf", [schema]) if o.get("type") != "null"]
    longest = 0
    for option in options:
        if "$ref" in option:
            option = document["components"]["schemas"][option["$ref"].rsplit("/", 1)[-1]]
        kind, shape = option.get("type"), option.get("format")
        if "enum" in option:
            size = max(len(quote_plus(str(v))) for v in option["enum"])
        elif kind == "boolean":
            size = len("false")
        elif kind == "integer":
            size = max(len(str(option["minimum"])), len(str(option["maximum"])))
        elif shape in ("uuid", "date", "date-time"):
            size = {"uuid": 36, "date": 10, "date-time": len(LONGEST_INSTANT)}[shape]
        elif option.get("pattern") == CURSOR_PATTERN:
            size = option["maxLength"] + 2 * (len(quote_plus("=")) - 1)  # its padding, encoded
        elif kind == "string":
            size = option["maxLength"] * ENCODED_CHAR_MAX
        else:
            raise ValueError(f"a page's parameter of no bound: {schema}")
        longest = max(longest, size)
    return longest


def link_max(schema: dict[str, Any]) -> int:
    """The longest `Link` a page sends: the public origin, the longest path and query of a
    paged list (its parameters as app/page_links.py writes them, the cursor last)."""
    longest = 0
    for template, item in schema.get("paths", {}).items():
        operation = item.get("get", {})
        parameters = operation.get("parameters", [])
        if not any(p["name"] == "cursor" and p["in"] == "query" for p in parameters):
            continue
        size = len(re.sub(r"\{[^}]+\}", "", template)) + len("?")
        for parameter in parameters:
            if parameter["in"] in ("path", "query"):
                size += written_max(schema, parameter.get("schema", {}))
            if parameter["in"] == "query":
                size += len(parameter["name"]) + len("=&")
        longest = max(longest, size)
    return len("<") + PUBLIC_ORIGIN_MAX + longest + len(LINK_TAIL)


def state_bounds(schema: dict[str, Any]) -> None:
    """Complete the bounds of `schema` (in place)."""
    _formats(schema)
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "header" and parameter.get("name") == "If-Match":
                    parameter["schema"]["maxLength"] = IF_MATCH_MAX
    location = schema.get("components", {}).get("headers", {}).get("Location")
    if location is not None:
        location["schema"] = {**location["schema"], "maxLength": location_max(schema)}
    link = schema.get("components", {}).get("headers", {}).get("Link")
    if link is not None:
        link["schema"] = {**link["schema"], "maxLength": link_max(schema)}


BOUNDED_FORMATS = {"date", "date-time", "uuid", "time", "binary"}


def unbounded(node: dict[str, Any]) -> str | None:
    """The kind of an unbounded leaf ("string", "integer", "array"), or None."""
    kind = node.get("type")
    if node.get("pattern") in (".*", "^.*$"):
        return "string"
    if "enum" in node or "const" in node:
        return None
    if kind == "string":
        bounded = "maxLength" in node or node.get("format") in BOUNDED_FORMATS
        return None if bounded else "string"
    if kind == "integer":
        top = node.get("maximum", node.get("exclusiveMaximum"))
        low = node.get("minimum", node.get("exclusiveMinimum"))
        fmt = node.get("format")
        ok = top is not None and (top != INT64[1] or fmt == "int64") and fmt in ("int32", "int64")
        return None if ok and low is not None else "integer"
    if kind == "array":
        return None if "maxItems" in node else "array"
    return None


class Walk:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.found: dict[str, set[str]] = {"request": set(), "response": set()}
        self._seen: set[tuple[str, str]] = set()

    def resolve(self, node: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
        ref = node.get("$ref")
        if not ref:
            return node, None
        name = ref.rsplit("/", 1)[-1]
        return self.document["components"]["schemas"][name], name

    def schema(self, node: dict[str, Any], where: str, side: str) -> None:
        node, name = self.resolve(node)
        if name is not None:
            if (side, name) in self._seen:
                return
            self._seen.add((side, name))
            where = name
        kind = unbounded(node)
        if kind:
            self.found[side].add(f"{kind}\t{where}")
        for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
            for option in node.get(key, []):
                self.schema(option, where, side)
        if isinstance(node.get("items"), dict):
            self.schema(node["items"], f"{where}[]", side)
        for prop, sub in node.get("properties", {}).items():
            self.schema(sub, f"{where}.{prop}", side)
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):
            self.schema(extra, f"{where}.*", side)

    def run(self) -> dict[str, set[str]]:
        for path, item in self.document["paths"].items():
            for method, operation in item.items():
                label = f"{method.upper()} {path}"
                for parameter in operation.get("parameters", []):
                    self.schema(
                        parameter.get("schema", {}),
                        f"{label} {parameter['in']}:{parameter['name']}",
                        "request",
                    )
                for media in operation.get("requestBody", {}).get("content", {}).values():
                    self.schema(media.get("schema", {}), f"{label} body", "request")
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    for media in (content.get(JSON), content.get(PROBLEM)):
                        if media:
                            self.schema(media.get("schema", {}), f"{label} {status}", "response")
        for name, header in self.document.get("components", {}).get("headers", {}).items():
            self.schema(header.get("schema", {}), f"header {name}", "response")
        return self.found
