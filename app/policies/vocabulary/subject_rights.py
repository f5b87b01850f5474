"""The vocabularies of the data subject's rights (GDPR Art. 18, 19): restriction and the
communication to the recipients of a record's data."""

from enum import StrEnum


class RestrictionGround(StrEnum):
    """GDPR Art. 18(1) (EUDPR Art. 20(1), LED Art. 16(3)): why processing is restricted."""

    a_accuracy_contested = "a"
    b_unlawful_erasure_opposed = "b"
    c_needed_for_legal_claims = "c"
    d_objection_pending = "d"


class RestrictedUse(StrEnum):
    """GDPR Art. 18(2): the grounds on which restricted data are processed beyond storage."""

    consent = "consent"
    legal_claims = "legal_claims"
    protection_of_rights = "protection_of_rights"
    important_public_interest = "important_public_interest"


class NotificationCause(StrEnum):
    """GDPR Art. 19: what is communicated to each recipient of a record's data."""

    rectification = "rectification"
    erasure = "erasure"
    restriction = "restriction"


class ExchangeKind(StrEnum):
    """Where a record's data went (GDPR Art. 19 recipients): a transfer or a share."""

    transfer = "transfer"
    share = "share"


class LogUse(StrEnum):
    """LED Art. 25(2): what the logs of processing may be used for; a read of the audit trail
    names one."""

    verify_lawfulness = "verify_lawfulness"
    self_monitoring = "self_monitoring"
    integrity_security = "integrity_security"
    criminal_proceedings = "criminal_proceedings"
