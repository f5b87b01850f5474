"""Examples of the main request bodies, shown in the OpenAPI document (and prefilled by the
explorer's "Try it out"). tests/test_openapi_quality.py validates each against its model and
requires one for every request body."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

OFFICER = "3f1c2a4e-8b7d-4c6a-9e2f-1a2b3c4d5e6f"
AUTHORITY = "0b9f6c1e-2d3a-4b5c-8d7e-6f5a4b3c2d1e"

# By schema name (the component a request body refers to): a summary and the value.
EXAMPLES: Mapping[str, tuple[str, dict[str, Any]]] = MappingProxyType(
    {
        "AuthorityCreate": (
            "The Dutch immigration service",
            {"organisation": "NL", "name": "IND", "authority_kind": "immigration"},
        ),
        "OfficerCreate": (
            "An ILO of that authority",
            {
                "authority_id": AUTHORITY,
                "surname": "Jansen",
                "given_names": "Eva",
                "expertise": ["c_routes"],
            },
        ),
        "OfficerUpdate": ("A new surname", {"surname": "Visser"}),
        "DeploymentCreate": (
            "A planned posting to Dakar for return cooperation",
            {
                "officer_id": OFFICER,
                "posting_type": "member_state_mission",
                "host_country": "SN",
                "city": "Dakar",
                "region_countries": ["GM"],
                "topics": ["c_routes"],
                "tasks": ["return"],
                "starts_on": "2026-01-05",
                "ends_on": "2028-01-04",
            },
        ),
        "DeploymentAmend": ("Another city", {"city": "Thiès"}),
        "TransitionIn": ("The actual deployment", {"to": "deployed", "on": "2026-01-05"}),
        "ProcessingRecordCreate": (
            "An identification for return under a return decision (Art. 10(3)(a))",
            {
                "officer_id": OFFICER,
                "purpose": "return",
                "data_categories": ["a_return_identity"],
                "data_subject_category": "returnee",
                "subject_data": {"surname": "Doe", "nationality": "SN"},
                "protection_status": "return_decision",
                "necessity_justification": "Nationality must be confirmed for the return decision.",
                "retain_until": "2027-06-30",
            },
        ),
        "TransferCreate": (
            "An identification request to the Senegalese border police (GDPR 49(1)(d))",
            {
                "recipient": {
                    "name": "Direction de la Police de l'Air et des Frontières",
                    "type": "public_authority",
                    "is_law_enforcement": False,
                },
                "destination_country": "SN",
                "basis": "public_interest",
                "fields_disclosed": ["surname", "nationality"],
                "justification": "Identification and nationality confirmation for return under "
                "a return decision",
                "transfer_on": "2026-03-02",
            },
        ),
        "ShareCreate": (
            "To the French border police",
            {
                "recipient_kind": "member_state_authority",
                "recipient_org": "FR",
                "recipient_authority": "Direction centrale de la police aux frontières",
                "fields_disclosed": ["surname", "nationality"],
                "justification": "The receiving authority must confirm the identity for the "
                "return.",
            },
        ),
        "EvaluateIn": (
            "Would this deployment be allowed?",
            {
                "action": "deployment.plan",
                "body": {
                    "officer_id": OFFICER,
                    "posting_type": "member_state_mission",
                    "host_country": "FR",
                    "city": "Paris",
                    "tasks": ["return"],
                    "starts_on": "2026-01-05",
                    "ends_on": "2028-01-04",
                },
            },
        ),
        "AdequacyDecisionCreate": (
            "An adequacy decision",
            {
                "id": "2019/419",
                "country": "JP",
                "name": "Japan",
                "regimes": ["gdpr"],
                "covers_public_authorities": False,
                "scope_note": "Private-sector transfers under the Act on the Protection of "
                "Personal Information.",
                "valid_from": "2019-01-23",
                "reference": "Commission Implementing Decision (EU) 2019/419",
                "source_url": "https://eur-lex.europa.eu/eli/dec_impl/2019/419/oj",
            },
        ),
        "AdequacyDecisionFields": (
            "The same decision, amended",
            {
                "country": "JP",
                "name": "Japan",
                "regimes": ["gdpr"],
                "covers_public_authorities": False,
                "scope_note": "Private-sector transfers only.",
                "valid_from": "2019-01-23",
                "reference": "Commission Implementing Decision (EU) 2019/419",
                "source_url": "https://eur-lex.europa.eu/eli/dec_impl/2019/419/oj",
            },
        ),
        "TransferInstrumentCreate": (
            "A readmission arrangement",
            {
                "id": "eu-cv-readmission",
                "kind": "binding_instrument",
                "title": "Agreement between the EU and Cabo Verde on readmission",
                "parties": ["EU"],
                "destination_country": "CV",
                "recipient_authorities": ["*"],
                "purposes": ["return"],
                "regimes": ["gdpr"],
                "valid_from": "2014-12-01",
                "reference": "OJ L 282, 24.10.2013, p. 15",
                "source_url": "https://eur-lex.europa.eu/eli/agree_internation/2013/522/oj",
            },
        ),
        "TransferInstrumentFields": (
            "The same instrument, amended",
            {
                "kind": "binding_instrument",
                "title": "Agreement between the EU and Cabo Verde on readmission",
                "parties": ["EU"],
                "destination_country": "CV",
                "recipient_authorities": ["*"],
                "purposes": ["return"],
                "regimes": ["gdpr"],
                "valid_from": "2014-12-01",
                "reference": "OJ L 282, 24.10.2013, p. 15",
                "source_url": "https://eur-lex.europa.eu/eli/agree_internation/2013/522/oj",
            },
        ),
        "WebhookCreate": (
            "Deployment events to a case-management system",
            {
                "url": "https://cms.example.nl/ilonet/webhooks",
                "event_types": ["deployment.planned", "deployment.deployed"],
            },
        ),
        "SecretRotation": ("A day of overlap", {"overlap_seconds": 86400}),
    }
)
