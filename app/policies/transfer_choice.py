"""The Chapter V ground of a transfer, chosen without redoing what only its destination decides.

When no adequacy decision and no instrument of the reference data names the destination, the
failures of adequacy and of the safeguards are the same for every transfer there: they are made
once per reference data, regime and destination (and superseded once per ground that then
holds), and only the derogation the client named is tried. Otherwise the grounds are tried one by
one (transfer_grounds.choose_ground). The results, and so the Decision, are the same either way.
"""

from app.policies.engine import Basis, RuleResult
from app.policies.transfer_grounds import (
    DEROGATIONS,
    GROUND_PLANS,
    GROUND_RULES,
    TransferFacts,
    adequacy_candidates,
    choose_ground,
    instrument_candidates,
    try_adequacy,
    try_derogation,
    try_instrument,
)

# Where nothing names the destination (the key: the reference tuples' ids, the regime and the
# destination) -> (the reference tuples, so that their ids stay theirs; the failures of the
# grounds before the derogation; those failures superseded, by the rule that held).
Uncovered = tuple[object, object, tuple[RuleResult, ...], dict[str, tuple[RuleResult, ...]]]
_UNCOVERED: dict[tuple[int, int, str, str | None, str | None], Uncovered] = {}
_UNCOVERED_MAX = 1024


def _uncovered(facts: TransferFacts, regime: str) -> Uncovered | None:
    adequacy, instruments = facts.adequacy_decisions, facts.instruments
    if adequacy.__class__ is not tuple or instruments.__class__ is not tuple:
        return None  # only immutable reference data is remembered
    key = (
        id(adequacy),
        id(instruments),
        regime,
        facts.destination_organisation,
        facts.destination_country,
    )
    found = _UNCOVERED.get(key)
    if found is not None and found[0] is adequacy and found[1] is instruments:
        return found
    kinds = GROUND_PLANS[regime][1:]
    if adequacy_candidates(facts) or any(instrument_candidates(facts, k) for k in kinds):
        return None
    failures = (
        try_adequacy(facts, regime)[0],
        *(try_instrument(facts, regime, kind)[0] for kind in kinds),
    )
    if len(_UNCOVERED) >= _UNCOVERED_MAX:
        _UNCOVERED.clear()
    found = _UNCOVERED[key] = (adequacy, instruments, failures, {})
    return found


def choose(facts: TransferFacts, regime: str) -> tuple[list[RuleResult], Basis | None]:
    """transfer_grounds.choose_ground, with the failures of an uncovered destination shared."""
    uncovered = _uncovered(facts, regime)
    if uncovered is None:
        return choose_ground(facts, regime)
    _, _, failures, superseded = uncovered
    basis = facts.basis
    if basis not in DEROGATIONS or basis not in GROUND_RULES[regime]:
        return list(failures), None
    result, chosen = try_derogation(facts, regime)
    if chosen is None:
        return [*failures, result], None
    held = superseded.get(chosen.rule)
    if held is None:
        holds = f"{chosen.rule} holds"
        held = superseded[chosen.rule] = tuple([r.supersede(holds) for r in failures])
    return [*held, result], chosen
