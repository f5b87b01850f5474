"""A witness of the audit log for the tests: Germany's, with its key registered in the harness's
settings (`audit_witness_keys`), and the cosignature of the newest checkpoint it posts."""

from __future__ import annotations

import httpx

from app.audit_witness import check_and_cosign
from app.db.audit_note import COSIGNATURE_V1, Signer, generate, parse_verifier
from tests.factories import Auth

WITNESS_ORG = "DE"
WITNESS = generate("witness.bsi.example", COSIGNATURE_V1)
# Registered for no organisation: its cosignatures are an unknown key's.
STRANGER = generate("witness.unknown.example", COSIGNATURE_V1)
REGISTERED = {WITNESS_ORG: [WITNESS.verifier.vkey()]}


def witness_headers(auth: Auth, org: str = WITNESS_ORG) -> dict[str, str]:
    return auth(org, ["integration"], sub=f"{org.lower()}-witness", scopes=["audit:witness"])


async def cosigned_head(client: httpx.AsyncClient, auth: Auth, *, witness: Signer = WITNESS) -> str:
    """The newest checkpoint (signed now) with `witness`'s cosignature."""
    auditor = auth("COM", ["auditor"])
    key = (await client.get("/v1/audit/log-key", headers=auditor)).json()["verifier_keys"][0]
    latest = await client.get("/v1/audit/checkpoints/latest?sign=true", headers=auditor)
    assert latest.status_code == 200, latest.text
    witnessed = check_and_cosign(
        previous=None,
        latest=latest.json()["note"],
        proof=[],
        log=parse_verifier(key),
        witness=witness,
    )
    return witnessed.note
