"""docs/RULES.md as text: the rule catalogue (app/policies/rules.py) rendered as a table."""

from app.policies.rules import CATALOGUE


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown() -> str:
    """docs/RULES.md: the catalogue as a table (scripts/rules_doc.py writes it)."""
    enforced = sum(rule.enforced for rule in CATALOGUE)
    lines = [
        "# Rule catalogue",
        "",
        "Generated from `app/policies/rules.py` by `python scripts/rules_doc.py`; do not edit by "
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
