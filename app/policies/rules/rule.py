"""A rule of the catalogue (its id, citation, summary, whether a policy enforces it) and the texts
the rules cite."""

from dataclasses import dataclass

ILO_REGULATION = "Regulation (EU) 2019/1240"
GDPR_REGULATION = "Regulation (EU) 2016/679"
EUDPR_REGULATION = "Regulation (EU) 2018/1725"
LED_DIRECTIVE = "Directive (EU) 2016/680"


class UnknownRule(ValueError):
    """A rule id that is not in the catalogue (a programming error, never a denial)."""


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    article: str
    summary: str
    enforced: bool
    # A rule of the product (a stricter reading, or its own access control), not of the law.
    product_rule: bool = False

    @property
    def test_token(self) -> str:
        """The id as it appears in the name of a test of the rule (ILO-10.3f → ilo_10_3f)."""
        return self.id.lower().replace("-", "_").replace(".", "_")
