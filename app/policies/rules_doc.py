"""The policy tables as Markdown: docs/RULES.md (the rule catalogue, app/policies/rules/) and
docs/ROLES.md (the role table, app/policies/roles.py)."""

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
