"""The policy tables as Markdown: docs/RULES.md (the rule catalogue, app/policies/rules/),
docs/ROLES.md (the role table, app/policies/roles.py) and docs/EVENTS.md (the events the declared
actions emit, app/policies/declared.py)."""

import app.policies.declared  # noqa: F401  (every action declared)
from app.policies.actions import declared_policies
from app.policies.roles import ROLE_TABLE, Reach, Seat
from app.policies.rules import CATALOGUE


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown() -> str:
    """docs/RULES.md: the catalogue as a table (scripts/rules_doc.py writes it)."""
    enforced = sum(rule.enforced for rule in CATALOGUE)
    lines = [
        "# Rule catalogue",
        "",
        "Generated from `app/policies/rules/` by `python scripts/rules_doc.py`; do not edit by "
        "hand (tests/test_rule_catalogue.py fails when this file and the catalogue differ).",
        "",
        f"{len(CATALOGUE)} rules, {enforced} enforced. A denial cites the id and the article; "
        '"not yet" means no policy decides the rule so far. "Product" marks a rule of ILONet '
        "itself (a stricter reading or its access control), not of the law.",
        "",
        "| id | article | summary | enforced | source |",
        "| --- | --- | --- | --- | --- |",
    ]
    for rule in CATALOGUE:
        cells = (
            f"`{rule.id}`",
            _cell(rule.article),
            _cell(rule.summary),
            "enforced" if rule.enforced else "not yet",
            "product" if rule.product_rule else "law",
        )
        lines.append(f"| {' | '.join(cells)} |")
    return "\n".join(lines) + "\n"


_REACH = {
    Reach.own_organisation: "its own organisation",
    Reach.board_wide: "the whole network, for the Board",
    Reach.network_reads: "reads across organisations",
}
_SEAT = {
    Seat.none: "",
    Seat.member: "; with a Board member seat",
    Seat.alternate: "; with an alternate seat",
}


def roles_markdown() -> str:
    """docs/ROLES.md: who may hold each role and for whom it acts (scripts/rules_doc.py)."""
    lines = [
        "# Role table",
        "",
        "Generated from `app/policies/roles.py` by `python scripts/rules_doc.py`; do not edit by "
        "hand (tests/test_rule_catalogue.py fails when this file and the table differ).",
        "",
        "A token's issuer vouches for its organisation (`org`); the roles it names must be ones "
        "that organisation may hold, and its `officer_id` an officer of that organisation. A "
        "token that claims more is refused with 401 when it is verified, and the refusal is "
        "audited (`ACL-CLAIM`), so every policy sees claims that are true. *Acts for* says whose "
        "data a holder touches: its own organisation's (`ACL-ORG` holds every write to it), the "
        "whole network's for the Steering Board (the chair and secretariat), or reads across "
        "organisations without writing for them.",
        "",
        "| role | held by | acts for | basis |",
        "| --- | --- | --- | --- |",
    ]
    for role, grant in sorted(ROLE_TABLE.items()):
        holders = ", ".join(f"`{k}`" for k in sorted(grant.holders)) + _SEAT[grant.seat]
        cells = (f"`{role}`", holders, _REACH[grant.reach], _cell(grant.basis))
        lines.append(f"| {' | '.join(cells)} |")
    return "\n".join(lines) + "\n"


def events_markdown() -> str:
    """docs/EVENTS.md: every event type a guarded action emits, from the declarations."""
    emitted: dict[str, list[str]] = {}
    on_feed: dict[str, bool] = {}
    for policy in declared_policies():
        for event in policy.events:
            emitted.setdefault(event, []).append(policy.name)
            on_feed[event] = on_feed.get(event, False) or policy.feed
    lines = [
        "# Event types",
        "",
        "Generated from the action declarations (`declare(..., emits=...)` in `app/policies`) by "
        "`python scripts/rules_doc.py`; do not edit by hand (tests/test_rule_catalogue.py fails "
        "when this file and the declarations differ).",
        "",
        f"{len(emitted)} event types. Every allowed write of an action records one of its events "
        "in the audit log (with the actor, the Decision and the rules, never personal data); an "
        "event on the change feed is also a webhook event type (`WebhookEventType` in the OpenAPI "
        "document) and carries ids and types only. Reads of personal data and refused attempts "
        '(`policy.denied`) are audited too: docs/DESIGN.md, "Event types".',
        "",
        "| event type | emitted by | change feed |",
        "| --- | --- | --- |",
    ]
    for event in sorted(emitted):
        actions = ", ".join(f"`{name}`" for name in emitted[event])
        lines.append(f"| `{event}` | {actions} | {'yes' if on_feed[event] else 'audit only'} |")
    return "\n".join(lines) + "\n"
