"""Who calls and what a decision says of them: the `roles` and `scope` claims, and the result of
a rule in a Decision's trace."""

from enum import StrEnum


class Role(StrEnum):
    """The `roles` claim (API.md "Who calls")."""

    ilo = "ilo"
    deploying_authority = "deploying_authority"
    sb_member = "sb_member"
    sb_alternate = "sb_alternate"
    sb_chair = "sb_chair"
    sb_secretariat = "sb_secretariat"
    authorised_staff = "authorised_staff"
    ep_reader = "ep_reader"
    dpo = "dpo"
    auditor = "auditor"
    reference_admin = "reference_admin"
    integration = "integration"


class Scope(StrEnum):
    """The `scope` claim of an integration client."""

    officers_read = "officers:read"
    officers_write = "officers:write"
    deployments_read = "deployments:read"
    deployments_write = "deployments:write"
    processing_read = "processing:read"
    processing_write = "processing:write"
    transfers_write = "transfers:write"
    documents_read = "documents:read"
    documents_write = "documents:write"
    board_read = "board:read"
    board_write = "board:write"
    events_read = "events:read"
    webhooks_write = "webhooks:write"
    statistics_read = "statistics:read"
    audit_witness = "audit:witness"


class TraceResult(StrEnum):
    """What a rule did in a Decision's trace."""

    pass_ = "pass"  # noqa: S105 (a trace result, not a secret)
    fail = "fail"
    not_applicable = "not_applicable"
