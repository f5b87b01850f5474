"""Examples of the main request bodies, shown in the OpenAPI document (and prefilled by the
explorer's "Try it out"). tests/test_openapi_quality.py validates each against its model and
requires one for every request body."""

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from app.policies.deployment import DEPLOYMENT_PLAN

OFFICER = "3f1c2a4e-8b7d-4c6a-9e2f-1a2b3c4d5e6f"
AUTHORITY = "0b9f6c1e-2d3a-4b5c-8d7e-6f5a4b3c2d1e"
BOARD_MEETING = "7a2e4c1b-5d3f-4e6a-8b9c-0d1e2f3a4b5c"

# By schema name (the component a request body refers to): a summary and the value.
EXAMPLES: Mapping[str, tuple[str, dict[str, Any]]] = MappingProxyType(
    {
        "ContactsIn": (
            "The Dutch controller's and DPO's functional contacts",
            {
                "controller_contact": "privacy@ind.nl, Postbus 17, 2280 MA Rijswijk",
                "dpo_contact": "fg@ind.nl",
            },
        ),
        "InstitutionalContactCreate": (
            "A liaison office's mailbox, switchboard and account, kept by the Netherlands",
            {
                "id": "NL-IND-RABAT",
                "organisation": "NL",
                "name": "IND liaison office, Rabat",
                "emails": ["lo.maroc@ind.nl"],
                "phones": ["+212 537 21 96 00"],
                "ibans": ["NL91 ABNA 0417 1643 00"],
                "source_url": "https://ind.nl/en/contact",
            },
        ),
        "InstitutionalContactFields": (
            "The same office, its account closed",
            {
                "organisation": "NL",
                "name": "IND liaison office, Rabat",
                "emails": ["lo.maroc@ind.nl"],
                "phones": ["+212 537 21 96 00"],
                "ibans": [],
                "source_url": "https://ind.nl/en/contact",
            },
        ),
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
                "action": DEPLOYMENT_PLAN.name,
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
        "CosignatureIn": (
            "A checkpoint with the log's signature and a witness's cosignature",
            {
                "note": "ilonet.example/audit-log\n4\n"
                "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWY=\n\n"
                "\u2014 ilonet.example/audit-log kT2bZ2N5mQ...\n"
                "\u2014 witness.bsi.example 3xY0pQAAAABnVGh...\n"
            },
        ),
        "NetworkCreate": (
            "The local network of the ILOs posted to Senegal",
            {
                "name": "ILO network Senegal",
                "kind": "local",
                "countries": ["SN"],
                "associated_officers": [
                    {"country": "GB", "name": "J. Smith", "organisation": "UK Home Office"}
                ],
            },
        ),
        "NetworkUpdate": ("A new name", {"name": "ILO network Dakar"}),
        "FacilitatorIn": (
            "The facilitator the network's ILOs agreed on",
            {
                "officer_id": OFFICER,
                "on": "2026-12-01",
                "agreement_reference": "Minutes of the network meeting of 2026-11-20",
                "agreed_by": [OFFICER],
            },
        ),
        "NetworkMeetingIn": (
            "A network meeting on carriers and training",
            {
                "held_on": "2026-11-20",
                "attendees": [OFFICER],
                "agenda": "Positions towards carriers at DSS; joint training plan.",
                "topics": ["carrier_positions", "joint_training"],
                "minutes_document": "doc-2026-0042",
            },
        ),
        "NetworkMeetingCancel": (
            "A meeting that will not take place",
            {"reason": "The host authority is closed that day."},
        ),
        "AdHocActionIn": (
            "An ad-hoc action asked by the Steering Board",
            {
                "title": "Survey of document fraud at Dakar airport",
                "description": "Collect the network's observations for the next Board.",
                "decided_on": "2026-11-15",
                "board_decision_reference": "SB decision 2026/07",
            },
        ),
        "AdHocActionUpdate": ("Work started", {"status": "in_progress"}),
        "SeatAppoint": (
            "The Dutch member of the Steering Board",
            {
                "role": "member",
                "organisation": "NL",
                "holder_name": "A. de Vries",
                "holder_email": "a.devries@example.nl",
                "starts_on": "2026-01-01",
            },
        ),
        "SeatEnd": ("The end of the mandate", {"ended_on": "2026-12-31"}),
        "RulesOfProcedureIn": (
            "The Board's rules of procedure",
            {
                "adopted_on": "2026-03-01",
                "quorum": 16,
                "proxy_allowed": True,
                "max_proxies_per_member": 1,
                "ep_visible_categories": ["b_programme_or_report"],
                "document_reference": "SB/2026/01 Rules of procedure",
            },
        ),
        "BoardMeetingIn": (
            "A Board meeting in Brussels",
            {"held_on": "2026-03-12", "location": "Brussels", "agenda": ["Work programme"]},
        ),
        "DecisionIn": (
            "A decision taken at that meeting, with the votes",
            {
                "meeting_id": BOARD_MEETING,
                "title": "Joint training on document fraud",
                "summary": "The Board endorses a joint training for ILOs in West Africa.",
                "votes": [{"organisation": "NL", "choice": "yes"}],
            },
        ),
        "ForwardingIn": (
            "Forwarded to the Dutch authorities",
            {"organisation": "NL", "forwarded_on": "2026-03-20"},
        ),
        "WorkProgrammeIn": (
            "The work programme for two years",
            {
                "period_from": "2026-01-01",
                "period_to": "2027-12-31",
                "title": "Work programme 2026-2027",
                "adopted_on": "2025-11-20",
                "priorities": ["Coverage of the Atlantic route"],
                "resources": [{"item": "Joint training", "amount_eur": 250000}],
            },
        ),
        "ActivityReportGenerate": (
            "The activity report over two years",
            {"from": "2025-01-01", "to": "2026-12-31"},
        ),
        "TransferFollowUpIn": (
            "The third country confirmed the nationality",
            {
                "outcome": "confirmed",
                "answered_on": "2026-11-20",
                "return_operation_accepted": True,
                "travel_document_issued_on": "2026-11-27",
            },
        ),
        "ProcessingRecordRectify": (
            "The data subject's surname corrected (GDPR 16)",
            {"subject_data": {"surname": "Diallo", "date_of_birth": "1990-04-01"}},
        ),
        "RestrictionCreate": ("The accuracy is contested (GDPR 18(1)(a))", {"ground": "a"}),
        "RestrictionLift": (
            "Lifted once the data subject was informed (GDPR 18(3))",
            {"subject_informed_on": "2026-12-01"},
        ),
        "ImpactIn": (
            "What if an adequacy decision ended?",
            {
                "change": {
                    "kind": "adequacy_ended",
                    "adequacy_decision_id": "2021/1772",
                    "on": "2027-01-01",
                },
                "months": 12,
            },
        ),
        "OfficerBatchIn": (
            "Officers of that authority, with the caller's references",
            {
                "items": [
                    {
                        "authority_id": AUTHORITY,
                        "surname": "Jansen",
                        "given_names": "Eva",
                        "expertise": ["c_routes"],
                        "external_reference": "IND-ILO-0042",
                    }
                ]
            },
        ),
        "DeploymentBatchIn": (
            "Planned postings, with the caller's references",
            {
                "items": [
                    {
                        "officer_id": OFFICER,
                        "posting_type": "member_state_mission",
                        "host_country": "SN",
                        "city": "Dakar",
                        "tasks": ["return"],
                        "starts_on": "2026-01-05",
                        "ends_on": "2028-01-04",
                        "external_reference": "IND-DEP-2026-17",
                    }
                ]
            },
        ),
        "CaseBatchIn": (
            "A return case that began before today, with its identification request and answer",
            {
                "items": [
                    {
                        "record": {
                            "officer_id": OFFICER,
                            "purpose": "return",
                            "data_categories": ["a_return_identity"],
                            "data_subject_category": "returnee",
                            "subject_data": {"surname": "Doe", "nationality": "SN"},
                            "protection_status": "return_decision",
                            "necessity_justification": "Nationality must be confirmed.",
                            "began_on": "2026-10-28",
                            "retain_until": "2027-06-01",
                            "external_reference": "IND-CASE-2026-0117",
                        },
                        "transfers": [
                            {
                                "transfer": {
                                    "recipient": {
                                        "name": "Direction de la Police de l'Air et des Frontières",
                                        "type": "public_authority",
                                        "is_law_enforcement": False,
                                    },
                                    "destination_country": "SN",
                                    "basis": "public_interest",
                                    "fields_disclosed": ["surname", "nationality"],
                                    "justification": "Identification for return",
                                    "transfer_on": "2026-11-02",
                                },
                                "follow_up": {"outcome": "confirmed", "answered_on": "2026-11-20"},
                            }
                        ],
                    }
                ]
            },
        ),
        "DocumentUpload": (
            "A quarterly risk analysis for every ILO",
            {
                "title": "Sahel network: quarterly risk analysis Q3 2024",
                "category": "a_analytical_product",
                "audience": "all_ilos",
                "handling": "limited",
                "media_type": "text/markdown",
                "content": "# Q3 2024\n\nDetections fell by 23% (4 512 against 5 861).",
            },
        ),
        "DocumentVersionUpload": (
            "Revised figures",
            {"media_type": "text/plain", "content": "Revised figures: 4 530 detections."},
        ),
    }
)
