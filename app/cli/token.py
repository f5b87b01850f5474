"""`ilonet token`: mint a development JWT that the server of the same data dir trusts, refusing
what the server would refuse (an unknown role, a role the organisation cannot hold)."""

from __future__ import annotations

from pathlib import Path

import click

from app.cli.common import OK, USAGE, data_dir_option, refused


@click.command(epilog="Roles and who may hold them: docs/ROLES.md.")
@click.option("--org", required=True, help="Organisation code, e.g. NL, COM, EP, FRONTEX")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    help="A role the organisation may hold (docs/ROLES.md): auditor, authorised_staff, "
    "deploying_authority, dpo, ep_reader, ilo, integration, reference_admin, sb_alternate, "
    "sb_chair, sb_member, sb_secretariat; repeat for several",
)
@click.option("--officer", default=None, help="officer_id claim (an ILO token)")
@click.option("--scope", "scopes", multiple=True, help="A scope (integrations); repeat for several")
@click.option("--sub", default=None, help="Subject  [default: dev-<org>-<roles>]")
@click.option("--ttl", type=int, default=3600, show_default=True, help="Lifetime in seconds")
@data_dir_option
def token(
    org: str,
    roles: tuple[str, ...],
    officer: str | None,
    scopes: tuple[str, ...],
    sub: str | None,
    ttl: int,
    data_dir: Path | None,
) -> int:
    """Mint a development token signed with the data dir's key (refused in production).

    The key is the one `ilonet serve` of the same data dir created: run this where the server
    runs, or give its --data-dir (ILONET_DATA_DIR)."""
    # Only what minting uses: no pydantic settings, web framework or database layer
    # (tests/test_cli_startup.py, bench/cli_startup.py).
    from app.dev_issuer import DEV_ISSUER, minting_settings
    from app.policies.roles import ROLE_TABLE, role_problems
    from app.reference import load_role_holders
    from app.tokens import load_or_create_dev_key, mint_token

    try:
        settings = minting_settings(data_dir=data_dir)
    except ValueError as error:
        raise refused(str(error), USAGE) from None
    if settings.production:
        raise refused("mints development tokens; production refuses them.", USAGE)
    if ttl <= 0 or ttl > settings.dev_token_max_ttl_seconds:
        raise refused(f"--ttl must be 1..{settings.dev_token_max_ttl_seconds} seconds", USAGE)
    unknown = sorted(set(roles) - {r.value for r in ROLE_TABLE})
    if unknown:
        known = ", ".join(sorted(r.value for r in ROLE_TABLE))
        raise refused(f"unknown role {', '.join(unknown)} (roles: {known})", USAGE)
    untrue = list(role_problems(load_role_holders().get(org), org, frozenset(roles)))
    if untrue:
        # The server would refuse such a token (ACL-CLAIM, docs/ROLES.md): say so now.
        raise refused("; ".join(untrue), USAGE)
    if not settings.data_dir.is_dir():
        # A key made here would be one no server trusts: 401 "Signature verification failed".
        raise refused(
            f"no data dir {settings.data_dir.resolve()}: no server has run here; run this where "
            "`ilonet serve` runs, or give its --data-dir (ILONET_DATA_DIR)",
            USAGE,
        )
    click.echo(
        mint_token(
            private_pem=load_or_create_dev_key(settings),
            issuer=DEV_ISSUER,
            sub=sub or f"dev-{org.lower()}-{'-'.join(roles)}",
            org=org,
            roles=list(roles),
            officer_id=officer,
            scopes=list(scopes) or None,
            ttl_seconds=ttl,
        )
    )
    return OK
