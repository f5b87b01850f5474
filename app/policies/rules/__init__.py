"""The rule catalogue: every rule id of the regulation digest, its citation and what it means.

Policies name a rule by its constant (`rules.ILO_10_3`), never by a string, so that a mistyped id
fails at import or in mypy. `enforced` says whether a policy of this code base decides it today;
a rule that is not yet enforced is listed all the same, so that its id is reserved and documented.
docs/RULES.md is generated from this catalogue (`python scripts/rules_doc.py`).

The constants are kept by the text they come from: `ilo` (the ILO Regulation), `data_protection`
(the GDPR, the EUDPR and the LED) and `product` (ILONet's own rules and the scope); `rule` defines
a Rule. Every name is re-exported here: a policy imports from `app.policies.rules`.
"""

from collections.abc import Mapping
from types import MappingProxyType

from app.policies.rules.data_protection import (
    EUDPR_47,
    EUDPR_48,
    EUDPR_50,
    GDPR_16,
    GDPR_18,
    GDPR_18_2,
    GDPR_19,
    GDPR_30_1,
    GDPR_30_1E,
    GDPR_45,
    GDPR_46_2A,
    GDPR_46_3B,
    GDPR_49_1D,
    GDPR_49_1F,
    GDPR_49_3,
    LED_25,
    LED_35,
    LED_36,
    LED_37,
    LED_38,
    LED_39,
)
from app.policies.rules.ilo import (
    ILO_2_2,
    ILO_3_4,
    ILO_4_1,
    ILO_5_1,
    ILO_5_2,
    ILO_5_3,
    ILO_6_1,
    ILO_6_2,
    ILO_6_3,
    ILO_7_2,
    ILO_7_3,
    ILO_7_4,
    ILO_7_6,
    ILO_7_7,
    ILO_7_8,
    ILO_7_9,
    ILO_8_1,
    ILO_8_2,
    ILO_8_3,
    ILO_9_1,
    ILO_9_3,
    ILO_9_4,
    ILO_10_2,
    ILO_10_3,
    ILO_10_3F,
    ILO_10_4,
    ILO_12,
    ILO_12R,
)
from app.policies.rules.product import (
    ACL_CLAIM,
    ACL_ORG,
    ACL_ROLE,
    AUDIT_W1,
    DOC_1,
    NR_1,
    RA_1,
    RA_2,
    SCOPE_EUROPOL,
)
from app.policies.rules.rule import Rule, UnknownRule

# In the order of the digest's rule id index.
CATALOGUE: tuple[Rule, ...] = (
    ILO_2_2,
    ILO_3_4,
    ILO_4_1,
    ILO_5_1,
    ILO_5_2,
    ILO_5_3,
    ILO_6_1,
    ILO_6_2,
    ILO_6_3,
    ILO_7_2,
    ILO_7_3,
    ILO_7_4,
    ILO_7_6,
    ILO_7_7,
    ILO_7_8,
    ILO_7_9,
    ILO_8_1,
    ILO_8_2,
    ILO_8_3,
    ILO_9_1,
    ILO_9_3,
    ILO_9_4,
    ILO_10_2,
    ILO_10_3,
    ILO_10_3F,
    ILO_10_4,
    ILO_12,
    ILO_12R,
    GDPR_16,
    GDPR_18,
    GDPR_18_2,
    GDPR_19,
    GDPR_30_1,
    GDPR_30_1E,
    GDPR_45,
    GDPR_46_2A,
    GDPR_46_3B,
    GDPR_49_1D,
    GDPR_49_1F,
    GDPR_49_3,
    EUDPR_47,
    EUDPR_48,
    EUDPR_50,
    LED_25,
    LED_35,
    LED_36,
    LED_37,
    LED_38,
    LED_39,
    NR_1,
    DOC_1,
    SCOPE_EUROPOL,
    ACL_ORG,
    ACL_CLAIM,
    ACL_ROLE,
    AUDIT_W1,
    RA_1,
    RA_2,
)

BY_ID: Mapping[str, Rule] = MappingProxyType({rule.id: rule for rule in CATALOGUE})
if len(BY_ID) != len(CATALOGUE):
    raise RuntimeError("a rule id is in the catalogue twice")


def rule_by_id(rule_id: str) -> Rule:
    """The rule with this id; UnknownRule when the catalogue has none."""
    try:
        return BY_ID[rule_id]
    except KeyError:
        raise UnknownRule(
            f"rule id {rule_id!r} is not in the catalogue (app/policies/rules/)"
        ) from None


__all__ = [
    "ACL_CLAIM",
    "ACL_ORG",
    "ACL_ROLE",
    "AUDIT_W1",
    "BY_ID",
    "CATALOGUE",
    "DOC_1",
    "EUDPR_47",
    "EUDPR_48",
    "EUDPR_50",
    "GDPR_16",
    "GDPR_18",
    "GDPR_18_2",
    "GDPR_19",
    "GDPR_30_1",
    "GDPR_30_1E",
    "GDPR_45",
    "GDPR_46_2A",
    "GDPR_46_3B",
    "GDPR_49_1D",
    "GDPR_49_1F",
    "GDPR_49_3",
    "ILO_2_2",
    "ILO_3_4",
    "ILO_4_1",
    "ILO_5_1",
    "ILO_5_2",
    "ILO_5_3",
    "ILO_6_1",
    "ILO_6_2",
    "ILO_6_3",
    "ILO_7_2",
    "ILO_7_3",
    "ILO_7_4",
    "ILO_7_6",
    "ILO_7_7",
    "ILO_7_8",
    "ILO_7_9",
    "ILO_8_1",
    "ILO_8_2",
    "ILO_8_3",
    "ILO_9_1",
    "ILO_9_3",
    "ILO_9_4",
    "ILO_10_2",
    "ILO_10_3",
    "ILO_10_3F",
    "ILO_10_4",
    "ILO_12",
    "ILO_12R",
    "LED_25",
    "LED_35",
    "LED_36",
    "LED_37",
    "LED_38",
    "LED_39",
    "NR_1",
    "RA_1",
    "RA_2",
    "SCOPE_EUROPOL",
    "Rule",
    "UnknownRule",
    "rule_by_id",
]
