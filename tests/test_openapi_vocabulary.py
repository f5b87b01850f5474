"""Every enum of the OpenAPI document is exactly one vocabulary of app/policies/vocabulary/ (or
one derived from the declared actions, app/policies/declared.py).

A component enum (a StrEnum the schemas use) maps to the vocabulary of the same name; an inline
enum (a Literal field) is mapped explicitly below. An enum that maps to no vocabulary fails.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest

from app.config import Settings
from app.main import create_app
from app.policies import declared
from app.policies import vocabulary as v

ROOT = Path(__file__).resolve().parents[1]

# (schema, property) of an inline enum, or ("parameter", name) of a parameter's inline enum.
INLINE: dict[tuple[str, str], type[StrEnum]] = {
    ("ProcessingRecordCreate", "data_subject_category"): v.DataSubjectCategory,
    ("ProcessingRecordOut", "data_subject_category"): v.DataSubjectCategory,
    ("ProcessingRecordOut", "erasure_reason"): v.ErasureReason,
    ("Recipient", "type"): v.RecipientType,
    ("ShareCreate", "recipient_kind"): v.ShareRecipientKind,
    ("ShareOut", "recipient_kind"): v.ShareRecipientKind,
    ("SubjectData", "role"): v.SubjectRole,
    ("SubjectData", "sex"): v.Sex,
    ("TraceEntryOut", "result"): v.TraceResult,
    ("TransferDetails", "specific_situation"): v.SpecificSituation,
    ("TransferInstrumentCreate", "kind"): v.InstrumentKind,
    ("TransferInstrumentFields", "kind"): v.InstrumentKind,
    ("TransferInstrumentOut", "kind"): v.InstrumentKind,
    ("TransitionIn", "to"): v.TransitionTarget,
    ("ProcessingRecordOut", "restriction_ground"): v.RestrictionGround,
    ("RestrictionCreate", "ground"): v.RestrictionGround,
    ("parameter", "restriction_ground"): v.RestrictedUse,
    ("ShareCreate", "restricted_use"): v.RestrictedUse,
    ("ShareOut", "restricted_use"): v.RestrictedUse,
    ("TransferCreate", "restricted_use"): v.RestrictedUse,
    ("TransferOut", "restricted_use"): v.RestrictedUse,
    ("RecipientNotificationOut", "cause"): v.NotificationCause,
    ("RecipientNotificationOut", "exchange_kind"): v.ExchangeKind,
    ("ScopeExclusionFields", "recipient_types"): v.RecipientType,
    ("ProposedExclusion", "recipient_types"): v.RecipientType,
    ("ProposedInstrument", "kind"): v.InstrumentKind,
    ("parameter", "format"): v.RopaFormat,
    ("DocumentUpload", "content_encoding"): v.ContentEncoding,
    ("DocumentVersionUpload", "content_encoding"): v.ContentEncoding,
}


def vocabulary_named(name: str) -> type[StrEnum] | None:
    value = getattr(v, name, getattr(declared, name, None))
    if isinstance(value, type) and issubclass(value, StrEnum):
        return value
    return None


def enums(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every (path, node) of the document whose node carries an `enum`."""
    if isinstance(node, dict):
        if "enum" in node:
            yield path, node
        for key, child in node.items():
            yield from enums(child, (*path, str(key)))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from enums(child, (*path, str(index)))


def owner(document: dict[str, Any], path: tuple[str, ...]) -> tuple[str, str] | str | None:
    """A component's name, the (schema, property) or ("parameter", name) of an inline enum."""
    if path[:2] == ("components", "schemas"):
        if len(path) == 3:
            return path[2]
        if len(path) >= 5 and path[3] == "properties":
            return (path[2], path[4])
        return None
    if path and path[0] == "paths" and "parameters" in path:
        at = path.index("parameters")
        node: Any = document
        for key in path[: at + 2]:
            node = node[int(key)] if isinstance(node, list) else node[key]
        return ("parameter", str(node["name"]))
    return None


def vocabulary_of(document: dict[str, Any], path: tuple[str, ...]) -> type[StrEnum] | None:
    found = owner(document, path)
    if isinstance(found, str):
        return vocabulary_named(found)
    if isinstance(found, tuple):
        return INLINE.get(found)
    return None


@pytest.fixture(scope="module")
def document(settings: Settings) -> dict[str, Any]:
    schema: dict[str, Any] = create_app(settings).openapi()
    return schema


def test_every_enum_of_the_document_is_one_vocabulary(document: dict[str, Any]) -> None:
    found = list(enums(document))
    assert len(found) >= 25  # the walk reaches the components and their properties
    mismatched: list[str] = []
    for path, node in found:
        vocabulary = vocabulary_of(document, path)
        if vocabulary is None:
            mismatched.append(f"{'/'.join(path)}: maps to no vocabulary")
        elif node["enum"] != [member.value for member in vocabulary]:
            mismatched.append(f"{'/'.join(path)}: {node['enum']} is not {vocabulary.__name__}")
    assert mismatched == []


def test_the_component_enums_are_the_vocabularies_of_their_name(document: dict[str, Any]) -> None:
    components = {
        name for name, schema in document["components"]["schemas"].items() if "enum" in schema
    }
    assert components == {
        "Action",
        "AuthorityKind",
        "DataCategory",
        "DeploymentStatus",
        "InformationTopic",
        "OrganisationKind",
        "PostingType",
        "ProtectionStatus",
        "Purpose",
        "Regime",
        "TransferBasis",
        "WebhookEventType",
        "NetworkKind",
        "FacilitatorBasis",
        "WithheldReason",
        "NetworkTask",
        "AdHocActionStatus",
        "BoardSeatRole",
        "BoardVote",
        "CoverageStatus",
        "DecisionOutcome",
        "DocumentCategory",
        "VoteMode",
        "IdentificationOutcome",
        "StatisticsSectionName",
        "StatisticsFormat",
        "BatchMode",
        "BatchOutcome",
        "LogUse",
        "LogFormat",
        "StatisticsScope",
        "DocumentAudience",
        "HandlingMarking",
        "WebhookDeliveryStatus",
    }
    assert all(vocabulary_named(name) is not None for name in components)


def test_every_inline_mapping_is_still_in_the_document(document: dict[str, Any]) -> None:
    owners = {owner(document, path) for path, _ in enums(document)}
    assert set(INLINE) <= owners


def test_a_parameter_enum_is_found_by_its_name() -> None:
    document = {
        "paths": {
            "/v1/things": {
                "get": {
                    "parameters": [
                        {"name": "kind", "in": "query", "schema": {"enum": ["a", "b"]}},
                    ]
                }
            }
        }
    }
    [(path, node)] = list(enums(document))
    assert owner(document, path) == ("parameter", "kind")
    assert vocabulary_of(document, path) is None  # unmapped: the main test would fail on it
    assert node["enum"] == ["a", "b"]


def test_an_enum_that_disagrees_with_its_vocabulary_is_caught() -> None:
    document = {"components": {"schemas": {"Regime": {"enum": ["gdpr", "eudpr"]}}}}
    [(path, node)] = list(enums(document))
    vocabulary = vocabulary_of(document, path)
    assert vocabulary is v.Regime
    assert node["enum"] != [member.value for member in vocabulary]


def test_the_kinds_of_a_proposed_reference_change_are_its_vocabulary(
    document: dict[str, Any],
) -> None:
    change = document["components"]["schemas"]["ImpactIn"]["properties"]["change"]
    kinds = [
        document["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]["properties"]["kind"]
        for ref in change["oneOf"]
    ]
    assert [k["const"] for k in kinds] == [member.value for member in v.ReferenceChangeKind]
    assert sorted(change["discriminator"]["mapping"]) == sorted(v.ReferenceChangeKind)


@pytest.mark.parametrize("vocabulary", [declared.Action, declared.WebhookEventType])
def test_the_derived_vocabularies_keep_the_published_wire_values(
    vocabulary: type[StrEnum],
) -> None:
    """Webhook subscriptions and generated clients hold these values: the published document
    (openapi/openapi.json) and the declarations list the same ones."""
    published = json.loads((ROOT / "openapi" / "openapi.json").read_text())
    enum = published["components"]["schemas"][vocabulary.__name__]["enum"]
    assert sorted(enum) == sorted(member.value for member in vocabulary)
