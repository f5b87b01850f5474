"""The obligations an allowed transfer carries: its entry in the record of processing activities
(GDPR-30.1e), a review when a derogation turns systematic (recital 25), and the supervisory
authority told of transfers on the controller's own assessment (LED Art. 37(2))."""

from collections.abc import Mapping

from app.policies.engine import Obligation
from app.policies.rules import EUDPR_50, GDPR_30_1E, GDPR_49_1D, GDPR_49_1F, LED_37, LED_38
from app.policies.transfer_grounds import TransferFacts
from app.policies.vocabulary import Regime, TransferBasis

_ROPA: Mapping[str, str] = {
    Regime.gdpr: f"{GDPR_30_1E.id}: {GDPR_30_1E.article}",
    Regime.eudpr: f"{GDPR_30_1E.id} as applied by Regulation (EU) 2018/1725, Art. 31(1)(e)",
    Regime.led: f"{GDPR_30_1E.id} as applied by Directive (EU) 2016/680, Art. 24(1)(f) and 37(3)",
}

DEROGATION_BASES = frozenset(
    {TransferBasis.public_interest, TransferBasis.vital_interests, TransferBasis.specific_situation}
)
DEROGATION_RULES = frozenset({GDPR_49_1D.id, GDPR_49_1F.id, EUDPR_50.id, LED_38.id})
# Recital 25 and the EDPB's reading of Art. 49 (Guidelines 2/2018): derogations are for
# occasional transfers. From this many to one recipient within the window, the transfer is
# flagged for review: systematic transfers call for an instrument (46(2)(a)) instead.
DEROGATION_WINDOW_DAYS = 30
DEROGATION_BURST = 5


# (regime, destination) -> the obligation to record the transfer in the ROPA (one per pair,
# shared: an Obligation is immutable). Bounded: a cache that fills up starts again.
_ROPA_OBLIGATIONS: dict[tuple[str, str], Obligation] = {}


def _record_in_ropa(regime: str, destination: str) -> Obligation:
    key = (regime, destination)
    obligation = _ROPA_OBLIGATIONS.get(key)
    if obligation is None:
        if len(_ROPA_OBLIGATIONS) >= 1024:
            _ROPA_OBLIGATIONS.clear()
        obligation = Obligation("record_in_ropa", f"{_ROPA[regime]}; to {destination}")
        _ROPA_OBLIGATIONS[key] = obligation
    return obligation


def transfer_obligations(facts: TransferFacts, regime: str, rule: str) -> list[Obligation]:
    """The obligations of an allowed transfer; `rule` is the id of the ground that held."""
    obligations = [_record_in_ropa(regime, facts.destination)]
    derogation = facts.basis in DEROGATION_BASES and rule in DEROGATION_RULES
    if derogation and facts.recent_derogations_to_recipient + 1 >= DEROGATION_BURST:
        obligations.append(
            Obligation(
                "review_systematic_derogation",
                f"{rule}: transfer {facts.recent_derogations_to_recipient + 1} to "
                f"{facts.recipient_name} ({facts.destination}) under a derogation within "
                f"{DEROGATION_WINDOW_DAYS} days — a derogation must not become the rule "
                "(recital 25): regular transfers need an instrument, GDPR Art. 46(2)(a)",
            )
        )
    if rule == LED_37.id and facts.basis == TransferBasis.controller_assessment:
        obligations.append(
            Obligation(
                "inform_supervisory_authority",
                "Directive (EU) 2016/680, Art. 37(2): categories of transfers on own assessment",
            )
        )
    return obligations
