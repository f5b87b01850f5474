"""The Chapter V ground of a transfer, chosen without redoing what the same facts decided before.

- When no adequacy decision and no instrument of the reference data names the destination, the
  failures of adequacy and of the safeguards are the same for every transfer there: made once per
  reference data, regime and destination (and superseded once per ground that then holds); only
  the derogation the client named is tried.
- Otherwise the grounds are tried one by one (transfer_grounds.choose_ground), the adequacy
  attempt remembered under every fact it reads (the decisions, regime, destination, date and
  recipient, purpose).

Only immutable reference data (tuples) is remembered. The results, and so the Decision, are the
same as choose_ground's (tests/policies/test_transfer_choice.py).
"""

from collections.abc import Hashable

from app.policies.engine import Basis, RuleResult
from app.policies.transfer_grounds import (
    DEROGATIONS,
    GROUND_PLANS,
    GROUND_RULES,
    Attempt,
    TransferFacts,
    adequacy_destination,
    choose_ground,
    grouped,
    instrument_destination,
    try_adequacy,
    try_derogation,
    try_instrument,
)

_MAX = 1024

# Where nothing names the destination (the key: the reference tuples' ids, the regime and the
# destination) -> (the reference tuples, so that their ids stay theirs; the failures of the
# grounds before the derogation; those failures superseded, by the rule that held).
Uncovered = tuple[object, object, tuple[RuleResult, ...], dict[str, tuple[RuleResult, ...]]]
_UNCOVERED: dict[tuple[int, int, str, str | None, str | None], Uncovered] = {}
# Every fact try_adequacy reads -> (the decisions, so that their id stays theirs; the attempt).
_ADEQUACY: dict[tuple[Hashable, ...], tuple[object, Attempt]] = {}


def _named(facts: TransferFacts, kinds: tuple[str, ...]) -> bool:
    """Whether an adequacy decision or an instrument of `kinds` names the destination."""
    decisions = grouped(facts.adequacy_decisions, "adequacy", adequacy_destination)
    if facts.destination_organisation:
        if decisions.get(("organisation", facts.destination_organisation)):
            return True
    elif facts.destination_country is not None and decisions.get(
        ("country", facts.destination_country)
    ):
        return True
    instruments = grouped(facts.instruments, "instrument", instrument_destination)
    return any(instruments.get((kind, facts.destination_country)) for kind in kinds)


def _uncovered(facts: TransferFacts, regime: str) -> Uncovered | None:
    adequacy, instruments = facts.adequacy_decisions, facts.instruments
    if adequacy.__class__ is not tuple or instruments.__class__ is not tuple:
        return None
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
    if _named(facts, kinds):
        return None
    failures = (
        try_adequacy(facts, regime)[0],
        *(try_instrument(facts, regime, kind)[0] for kind in kinds),
    )
    if len(_UNCOVERED) >= _MAX:
        _UNCOVERED.clear()
    found = _UNCOVERED[key] = (adequacy, instruments, failures, {})
    return found


def remembered_adequacy(facts: TransferFacts, regime: str) -> Attempt:
    """try_adequacy, remembered under every fact it reads (immutable reference data only)."""
    decisions = facts.adequacy_decisions
    if decisions.__class__ is not tuple:
        return try_adequacy(facts, regime)
    key = (
        id(decisions),
        regime,
        facts.destination_organisation,
        facts.destination_country,
        facts.transfer_on,
        facts.recipient_type,
        facts.recipient_is_law_enforcement,
        facts.recipient_name,
        facts.purpose,
    )
    found = _ADEQUACY.get(key)
    if found is not None and found[0] is decisions:
        return found[1]
    attempt = try_adequacy(facts, regime)
    if len(_ADEQUACY) >= _MAX:
        _ADEQUACY.clear()
    _ADEQUACY[key] = (decisions, attempt)
    return attempt


def choose(facts: TransferFacts, regime: str) -> tuple[list[RuleResult], Basis | None]:
    """transfer_grounds.choose_ground, with what the same facts decided before reused."""
    uncovered = _uncovered(facts, regime)
    if uncovered is None:
        return choose_ground(facts, regime, remembered_adequacy)
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
