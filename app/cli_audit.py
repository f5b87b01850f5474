"""`ilonet audit export|verify-proof` and `ilonet witness keygen|cosign`: the command-line glue
of the offline verifier (app/audit_verify.py) and the witness (app/audit_witness.py). None of
them needs the database."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

import httpx

from app.config import Settings

TOKEN_ENV = "ILONET_TOKEN"  # noqa: S105 (the name of a variable, not a secret)


def _text(value: str) -> str:
    """A key given inline, or @path to read it from a file."""
    return Path(value[1:]).read_text(encoding="utf-8").strip() if value.startswith("@") else value


def _token(args: argparse.Namespace) -> str:
    token = args.token or os.environ.get(TOKEN_ENV)
    if not token:
        raise SystemExit(f"a bearer token is needed: --token or {TOKEN_ENV}")
    return str(token)


def cmd_verify_proof(args: argparse.Namespace, settings: Settings) -> int:
    from app.audit_verify import Rejected, verify_bundle
    from app.db.audit_note import NoteError, merge, parse_verifier, split

    try:
        bundle = json.loads(Path(args.bundle).read_text(encoding="utf-8"))
        logs = [parse_verifier(_text(k)) for k in args.log_key]
        witnesses = [parse_verifier(_text(k)) for k in args.witness]
        cosigned = [Path(p).read_text(encoding="utf-8") for p in args.cosigned]
        if isinstance(bundle, dict) and isinstance(bundle.get("checkpoints"), list):
            bodies = {split(n)[0]: n for n in bundle["checkpoints"]}
            for note in cosigned:  # a witness's cosigned copy joins the same checkpoint
                body = split(note)[0]
                if body in bodies:
                    bundle["checkpoints"].append(merge([bodies[body], note]))
        known = [Path(p).read_text(encoding="utf-8") for p in args.known]
        report = verify_bundle(
            bundle, logs=logs, witnesses=witnesses, require=args.require, known=known
        )
    except (Rejected, NoteError, OSError, ValueError) as error:
        print(json.dumps({"valid": False, "reason": str(error)}, indent=2))
        return 1
    print(json.dumps(report.as_dict(), indent=2))
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    params: dict[str, Any] = {
        k: v
        for k, v in {
            "resource_type": args.resource_type,
            "resource_id": args.resource_id,
            "since": args.since,
            "tree_size": args.tree_size,
        }.items()
        if v is not None
    }
    headers = {"Authorization": f"Bearer {_token(args)}"}
    answer = httpx.get(f"{args.url}/v1/audit/bundle", params=params, headers=headers, timeout=60)
    if answer.status_code != 200:
        print(answer.text, file=sys.stderr)
        return 1
    Path(args.output).write_text(json.dumps(answer.json(), indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


def cmd_witness_keygen(args: argparse.Namespace, settings: Settings) -> int:
    from app.db.audit_note import COSIGNATURE_V1, ED25519, generate

    signer = generate(args.name, ED25519 if args.log else COSIGNATURE_V1)
    Path(args.output).write_text(signer.skey() + "\n", encoding="utf-8")
    os.chmod(args.output, 0o600)
    print(signer.verifier.vkey())
    return 0


def cmd_witness_cosign(args: argparse.Namespace, settings: Settings) -> int:
    from app.audit_witness import Refused, cosign_latest
    from app.db.audit_note import parse_signer, parse_verifier

    try:
        witnessed = cosign_latest(
            api=args.url,
            token=_token(args),
            log=parse_verifier(_text(args.log_key)),
            witness=parse_signer(_text(args.key)),
            state_dir=Path(args.state_dir),
        )
    except Refused as error:
        print(json.dumps({"cosigned": False, "reason": str(error)}, indent=2))
        return 1
    if args.output:
        Path(args.output).write_text(witnessed.note, encoding="utf-8")
    else:
        sys.stdout.write(witnessed.note)
    return 0


def add_audit_parsers(aud_sub: Any) -> None:
    """`audit export` and `audit verify-proof`, beside `audit verify`."""
    exp = aud_sub.add_parser("export", help="fetch a proof bundle from the API (for verify-proof)")
    exp.add_argument("--url", required=True, help="the API's base URL")
    exp.add_argument("--token", default=None, help=f"bearer token (default ${TOKEN_ENV})")
    exp.add_argument("--resource-type", default=None)
    exp.add_argument("--resource-id", default=None)
    exp.add_argument("--since", type=int, default=None, help="size of the checkpoint seen before")
    exp.add_argument("--tree-size", type=int, default=None, help="prove against this checkpoint")
    exp.add_argument("--output", "-o", default="audit-bundle.json")
    exp.set_defaults(func=cmd_export)

    ver = aud_sub.add_parser(
        "verify-proof", help="check a proof bundle offline (no database, no server)"
    )
    ver.add_argument("bundle")
    ver.add_argument("--log-key", action="append", required=True, help="log verifier key or @file")
    ver.add_argument("--witness", action="append", default=[], help="witness key or @file")
    ver.add_argument("--require", type=int, default=0, help="witness cosignatures required")
    ver.add_argument("--cosigned", action="append", default=[], help="a witness's cosigned note")
    ver.add_argument("--known", action="append", default=[], help="a checkpoint seen before")
    ver.set_defaults(func=cmd_verify_proof)


def add_parsers(sub: Any) -> None:
    """`witness keygen` and `witness cosign`."""
    wit = sub.add_parser("witness", help="witness the audit log with your own key")
    wit_sub = wit.add_subparsers(dest="witness_command", required=True)
    gen = wit_sub.add_parser("keygen", help="make a key; prints its verifier key")
    gen.add_argument("name", help="the witness's (or with --log, the log's origin) name")
    gen.add_argument("--output", "-o", required=True, help="where to write the private key")
    gen.add_argument("--log", action="store_true", help="a log signing key (ILONET_AUDIT_LOG_KEYS)")
    gen.set_defaults(func=cmd_witness_keygen)
    cos = wit_sub.add_parser("cosign", help="check the newest checkpoint extends the last; cosign")
    cos.add_argument("--url", required=True, help="the API's base URL")
    cos.add_argument("--token", default=None, help=f"bearer token (default ${TOKEN_ENV})")
    cos.add_argument("--log-key", required=True, help="the log's verifier key or @file")
    cos.add_argument("--key", required=True, help="the witness's private key or @file")
    cos.add_argument("--state-dir", default=".ilonet-witness", help="last cosigned checkpoint")
    cos.add_argument("--output", "-o", default=None, help="the cosigned note (default stdout)")
    cos.set_defaults(func=cmd_witness_cosign)
