"""The README's walkthrough played through the generated Python client, as an integrator plays
it: run by tests/sdk/test_sdk_scenario.py in a clean venv where only the generated package
`ilonet-sdk` is installed (this script imports nothing of the project).

    python walkthrough_sdk.py BASE_URL

A member state registers an authority and an officer, notifies a planned then an actual
deployment; the ILO records a return identification, sends the identification request to the
third country's authority (a transfer) and records the answer (its follow-up, RA-1/RA-2); a
forbidden transfer comes back as a typed policy-denied problem carrying NR-1; the Commission
reads the figures, as JSON and as the HTML page (text, not parsed). Each token is asked of the
runner on stdout (`TOKEN {claims}`) and read back on stdin; what the walkthrough saw is printed
on stdout.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime, timedelta
from importlib.metadata import version
from typing import Any

import ilonet_sdk.api.authorities.authorities_create
import ilonet_sdk.api.deployments.deployments_plan
import ilonet_sdk.api.deployments.deployments_transition
import ilonet_sdk.api.officers.officers_create
import ilonet_sdk.api.processing_records.processing_records_create
import ilonet_sdk.api.processing_records.processing_records_record_transfer
import ilonet_sdk.api.readmission.readmission_record_follow_up
import ilonet_sdk.api.statistics.statistics_readmission_sheet
import ilonet_sdk.client
from ilonet_sdk import models

BASE_URL = sys.argv[1] if __name__ == "__main__" else ""
# the day the server takes as today, which the runner pinned it to
TODAY = date.fromisoformat(sys.argv[2]) if __name__ == "__main__" else datetime.now(UTC).date()


def day(n: int) -> str:
    return (TODAY + timedelta(days=n)).isoformat()


def client_for(org: str, roles: list[str], **claims: str) -> Any:
    """A client holding a token the runner mints for these claims."""
    print("TOKEN " + json.dumps({"org": org, "roles": roles, **claims}), flush=True)
    token = sys.stdin.readline().strip()
    return ilonet_sdk.client.AuthenticatedClient(base_url=BASE_URL, token=token)


def ok(response: Any, status: int) -> Any:
    assert response.status_code == status, (response.status_code, response.content[:500])
    return response.parsed


def main() -> None:
    print(f"ilonet-sdk {version('ilonet-sdk')}", flush=True)
    say: list[str] = []
    # --- the Dutch deploying authority: an authority, an officer, a deployment ---------------
    nl = client_for("NL", ["deploying_authority"], sub="nl-ind-cms")
    authority = ok(
        ilonet_sdk.api.authorities.authorities_create.sync_detailed(
            client=nl,
            body=models.AuthorityCreate(
                organisation="NL",
                name="Immigratie- en Naturalisatiedienst",
                authority_kind=models.AuthorityKind.IMMIGRATION,
            ),
        ),
        201,
    )
    assert isinstance(authority, models.AuthorityOut)
    officer = ok(
        ilonet_sdk.api.officers.officers_create.sync_detailed(
            client=nl,
            body=models.OfficerCreate.from_dict(
                {
                    "authority_id": str(authority.id),
                    "surname": "Jansen",
                    "given_names": "Eva",
                    "expertise": ["i_return_readmission"],
                }
            ),
        ),
        201,
    )
    planned = ok(
        ilonet_sdk.api.deployments.deployments_plan.sync_detailed(
            client=nl,
            body=models.DeploymentCreate.from_dict(
                {
                    "officer_id": str(officer.id),
                    "posting_type": "member_state_mission",
                    "host_country": "SN",
                    "city": "Dakar",
                    "region_countries": ["GM"],
                    "topics": ["i_return_readmission"],
                    "tasks": ["return"],
                    "starts_on": day(-30),
                    "ends_on": day(700),
                }
            ),
        ),
        201,
    )
    assert planned.status == models.DeploymentStatus.PLANNED
    deployed = ok(
        ilonet_sdk.api.deployments.deployments_transition.sync_detailed(
            planned.id,
            client=nl,
            body=models.TransitionIn.from_dict({"to": "deployed", "on": day(-30)}),
            if_match='"v1"',
        ),
        200,
    )
    assert deployed.status == models.DeploymentStatus.DEPLOYED
    say.append(f"deployment {deployed.id}: {deployed.status.value} in {deployed.host_country}")

    # --- the ILO: a return identification, the request to Senegal, the answer -------------------
    ilo = client_for("NL", ["ilo"], sub="ilo-jansen", officer_id=str(officer.id))
    record = ok(
        ilonet_sdk.api.processing_records.processing_records_create.sync_detailed(
            client=ilo,
            body=models.ProcessingRecordCreate.from_dict(
                {
                    "officer_id": str(officer.id),
                    "purpose": "return",
                    "data_categories": ["a_return_identity"],
                    "data_subject_category": "returnee",
                    "subject_data": {
                        "surname": "Ndiaye",
                        "given_names": "Mamadou",
                        "date_of_birth": "1990-02-03",
                        "nationality": "SN",
                    },
                    "protection_status": "return_decision",
                    "necessity_justification": "Nationality must be confirmed for the return.",
                    "retain_until": day(180),
                }
            ),
        ),
        201,
    )
    request = {
        "recipient": {
            "name": "Direction de la Police de l'Air et des Frontières",
            "type": "public_authority",
        },
        "destination_country": "SN",
        "basis": "public_interest",
        "fields_disclosed": ["surname", "given_names", "date_of_birth", "nationality"],
        "justification": "Identification and nationality confirmation for return under a "
        "return decision",
        "transfer_on": day(0),
    }
    record_transfer = ilonet_sdk.api.processing_records.processing_records_record_transfer
    transfer = ok(
        record_transfer.sync_detailed(
            record.id, client=ilo, body=models.TransferCreate.from_dict(request)
        ),
        201,
    )
    assert (transfer.basis.ground, transfer.basis.rule) == ("public_interest", "GDPR-49.1d")
    say.append(f"transfer {transfer.id}: {transfer.basis.rule} to {transfer.destination_country}")
    follow_up = ok(
        ilonet_sdk.api.readmission.readmission_record_follow_up.sync_detailed(
            record.id,
            transfer.id,
            client=ilo,
            body=models.TransferFollowUpIn(
                outcome=models.IdentificationOutcome.CONFIRMED,
                answered_on=TODAY,
            ),
        ),
        201,
    )
    assert isinstance(follow_up, models.TransferFollowUpOut)
    assert (follow_up.outcome, follow_up.response_days) == (
        models.IdentificationOutcome.CONFIRMED,
        0,
    )
    say.append(f"follow-up: {follow_up.outcome.value} after {follow_up.response_days} days")

    # --- a forbidden transfer: an asylum seeker's data to the country of nationality -----------
    pending = ok(
        ilonet_sdk.api.processing_records.processing_records_create.sync_detailed(
            client=ilo,
            body=models.ProcessingRecordCreate.from_dict(
                {
                    "officer_id": str(officer.id),
                    "purpose": "return",
                    "data_categories": ["a_return_identity"],
                    "data_subject_category": "returnee",
                    "subject_data": {"surname": "Diallo", "nationality": "SN"},
                    "protection_status": "application_pending",
                    "necessity_justification": "Identity to be established before return.",
                    "retain_until": day(180),
                }
            ),
        ),
        201,
    )
    denied = record_transfer.sync_detailed(
        pending.id,
        client=ilo,
        body=models.TransferCreate.from_dict(
            {**request, "fields_disclosed": ["surname", "nationality"]}
        ),
    )
    assert denied.status_code == 403
    problem = denied.parsed
    assert isinstance(problem, models.PolicyDeniedBody)
    assert problem.type_ == "/problems/policy-denied"
    assert [v.rule for v in problem.violations] == ["NR-1"]
    assert problem.decision_id
    say.append(f"forbidden transfer: {problem.status} {problem.type_} {problem.violations[0].rule}")

    # --- the Commission reads the readmission sheet -------------------------------------------
    desk = client_for("COM", ["authorised_staff"], sub="com-desk")
    sheet = ok(
        ilonet_sdk.api.statistics.statistics_readmission_sheet.sync_detailed(
            "SN", client=desk, starts_on=TODAY - timedelta(days=60)
        ),
        200,
    )
    assert isinstance(sheet, models.ReadmissionSheet)
    totals = sheet.totals.values.additional_properties
    # one request: withheld below the default threshold of 5, and said to be
    assert totals["requests_sent"] is None
    assert "requests_sent" in sheet.totals.suppressed
    assert sheet.suppression.threshold == 5
    say.append(f"sheet SN: {sheet.suppression.suppressed_cells} cells withheld (< 5)")

    # --- the same sheet as the HTML page: text, not parsed as JSON ----------------------------
    page = ok(
        ilonet_sdk.api.statistics.statistics_readmission_sheet.sync_detailed(
            "SN",
            client=desk,
            starts_on=TODAY - timedelta(days=60),
            format_=models.StatisticsFormat.HTML,
        ),
        200,
    )
    assert isinstance(page, str), type(page)
    assert page.lstrip().lower().startswith("<!doctype html"), page[:80]
    say.append(f"sheet SN as HTML: {len(page)} characters of text")
    for line in say:
        print(line, flush=True)


if __name__ == "__main__":
    main()
