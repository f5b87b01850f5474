"""Versioned reference data (adequacy decisions, transfer instruments, participants), parsed into
the policy dataclasses. The policies never import this package: services load the data here
and hand it to the policies as facts, with reference_digest() pinned in the policy version."""

import hashlib
import json
from collections.abc import Mapping
from datetime import date
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from app.policies import AdequacyDecision, Participant, TransferInstrument
from app.policies.roles import Holder
from app.policies.transfer_grounds import ScopeExclusion, ValiditySegment
from app.policies.vocabulary import InstrumentKind

REFERENCE_DIR = Path(__file__).resolve().parent
ADEQUACY_FILE = REFERENCE_DIR / "adequacy_decisions.json"
INSTRUMENTS_FILE = REFERENCE_DIR / "transfer_instruments.json"
PARTICIPANTS_FILE = REFERENCE_DIR / "participants.json"
COUNTRIES_FILE = REFERENCE_DIR / "countries.json"

_INSTRUMENT_KINDS = tuple(InstrumentKind)


def _document(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_bytes())
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise ValueError(f"{path.name}: expected an object with an items list")
    return data


def _date(value: object) -> date | None:
    return None if value is None else date.fromisoformat(str(value))


def _required_date(value: object, where: str) -> date:
    parsed = _date(value)
    if parsed is None:
        raise ValueError(f"{where}: date is required")
    return parsed


def _optional_str(value: object) -> str | None:
    return None if value is None else str(value)


def adequacy_decision_from_dict(item: dict[str, Any]) -> AdequacyDecision:
    where = f"adequacy decision {item.get('id')!r}"
    return AdequacyDecision(
        id=str(item["id"]),
        country=_optional_str(item.get("country")),
        organisation=_optional_str(item.get("organisation")),
        regimes=frozenset(str(r) for r in item["regimes"]),
        covers_public_authorities=bool(item["covers_public_authorities"]),
        scope_note=str(item.get("scope_note", "")),
        valid_from=_required_date(item["valid_from"], where),
        valid_until=_date(item.get("valid_until")),
        reference=str(item["reference"]),
        source_url=str(item["source_url"]),
        segments=tuple(
            ValiditySegment(
                valid_from=_required_date(s["valid_from"], where),
                valid_until=_date(s.get("valid_until")),
                reference=str(s["reference"]),
            )
            for s in item.get("segments") or ()
        ),
        exclusions=tuple(
            ScopeExclusion(
                id=str(e["id"]),
                article=str(e["article"]),
                purposes=frozenset(str(p) for p in e.get("purposes") or ()),
                recipient_types=frozenset(str(r) for r in e.get("recipient_types") or ()),
                valid_from=_required_date(e["valid_from"], where),
                valid_until=_date(e.get("valid_until")),
                note=str(e.get("note", "")),
            )
            for e in item.get("exclusions") or ()
        ),
    )


def transfer_instrument_from_dict(item: dict[str, Any]) -> TransferInstrument:
    where = f"transfer instrument {item.get('id')!r}"
    kind = str(item["kind"])
    if kind not in _INSTRUMENT_KINDS:
        raise ValueError(f"{where}: kind {kind!r} is none of {', '.join(_INSTRUMENT_KINDS)}")
    return TransferInstrument(
        id=str(item["id"]),
        kind=InstrumentKind(kind),
        title=str(item["title"]),
        parties=frozenset(str(p) for p in item["parties"]),
        destination_country=str(item["destination_country"]),
        recipient_authorities=frozenset(str(r) for r in item["recipient_authorities"]),
        purposes=frozenset(str(p) for p in item["purposes"]),
        regimes=frozenset(str(r) for r in item["regimes"]),
        sa_authorisation_reference=_optional_str(item.get("sa_authorisation_reference")),
        valid_from=_required_date(item["valid_from"], where),
        valid_until=_date(item.get("valid_until")),
        reference=str(item["reference"]),
        source_url=str(item["source_url"]),
        example=bool(item.get("example", False)),
    )


@cache
def load_adequacy_decisions() -> tuple[AdequacyDecision, ...]:
    """The adequacy decisions of adequacy_decisions.json."""
    return tuple(adequacy_decision_from_dict(i) for i in _document(ADEQUACY_FILE)["items"])


@cache
def load_transfer_instruments() -> tuple[TransferInstrument, ...]:
    """The transfer instruments of transfer_instruments.json (illustrative examples included)."""
    return tuple(transfer_instrument_from_dict(i) for i in _document(INSTRUMENTS_FILE)["items"])


@cache
def load_participants() -> Mapping[str, Participant]:
    """The participants of participants.json, by organisation code."""
    return MappingProxyType(
        {
            str(i["code"]): Participant(
                code=str(i["code"]),
                kind=str(i["kind"]),
                bound_by_regulation=bool(i.get("bound_by_regulation", True)),
            )
            for i in _document(PARTICIPANTS_FILE)["items"]
        }
    )


def reference_versions() -> dict[str, str]:
    """The version field of each transfer reference file."""
    return {
        "adequacy_decisions": str(_document(ADEQUACY_FILE).get("version", "")),
        "transfer_instruments": str(_document(INSTRUMENTS_FILE).get("version", "")),
    }


@cache
def reference_digest() -> str:
    """sha256 over the bytes of both transfer reference files, for policy_version()."""
    digest = hashlib.sha256()
    for path in (ADEQUACY_FILE, INSTRUMENTS_FILE):
        digest.update(path.read_bytes())
    return digest.hexdigest()


@cache
def load_role_holders() -> Mapping[str, Holder]:
    """The participants as the role table sees them (kind and Board seats), by code."""
    return MappingProxyType(
        {
            str(i["code"]): Holder(
                code=str(i["code"]),
                kind=str(i["kind"]),
                board_seats=int(i.get("board_seats", 0)),
                alternate_seats=int(i.get("alternate_seats", 0)),
            )
            for i in _document(PARTICIPANTS_FILE)["items"]
        }
    )


@cache
def _third_countries() -> frozenset[str]:
    codes = {str(i["code"]) for i in _document(COUNTRIES_FILE)["items"]}
    parties = {str(i["country"]) for i in _document(PARTICIPANTS_FILE)["items"] if i.get("country")}
    return frozenset(codes - parties)


def third_country(code: str) -> bool:
    """A country outside the Union and the Schengen-associated states (ISO 3166-1 alpha-2)."""
    return code in _third_countries()
