"""The vocabularies of transfers and shares (GDPR Chapter V, EUDPR, LED): the basis, the
recipient, the reference data a transfer relies on and its changes, and the follow-up answer."""

from enum import StrEnum


# The Chapter V basis a transfer relies on (which regime knows which: transfer_grounds).
class TransferBasis(StrEnum):
    adequacy = "adequacy"
    binding_instrument = "binding_instrument"
    administrative_arrangement = "administrative_arrangement"
    controller_assessment = "controller_assessment"
    public_interest = "public_interest"
    vital_interests = "vital_interests"
    specific_situation = "specific_situation"
    explicit_consent = "explicit_consent"
    contract = "contract"
    compelling_legitimate_interests = "compelling_legitimate_interests"


class SpecificSituation(StrEnum):
    """The situations of Directive 2016/680, Art. 38(1) (basis specific_situation)."""

    vital_interests = "vital_interests"
    subject_legitimate_interests = "subject_legitimate_interests"
    public_security_threat = "public_security_threat"
    individual_case_law_enforcement = "individual_case_law_enforcement"


class RecipientType(StrEnum):
    """The recipient of a transfer."""

    public_authority = "public_authority"
    international_organisation = "international_organisation"
    other = "other"


class InstrumentKind(StrEnum):
    """A transfer instrument: 46(2)(a)/48(2)(a)/37(1)(a), or an arrangement 46(3)(b)/48(3)(b)."""

    binding_instrument = "binding_instrument"
    administrative_arrangement = "administrative_arrangement"


class ReferenceKind(StrEnum):
    """The reference data a reference_admin edits (reference.update)."""

    adequacy_decision = "adequacy_decision"
    transfer_instrument = "transfer_instrument"


class ShareRecipientKind(StrEnum):
    """Who receives a share inside the Union (Art. 3(6)(d), recital 26)."""

    officer = "officer"
    network = "network"
    member_state_authority = "member_state_authority"


# The answer of a third country's authority to an identification request (Visa Code Art. 25a).
class IdentificationOutcome(StrEnum):
    confirmed = "confirmed"
    not_confirmed = "not_confirmed"
    no_answer = "no_answer"


class ReferenceChangeKind(StrEnum):
    """A proposed change of the transfer reference data (the impact analysis)."""

    adequacy_ended = "adequacy_ended"
    adequacy_narrowed = "adequacy_narrowed"
    instrument_withdrawn = "instrument_withdrawn"
    instrument_added = "instrument_added"
