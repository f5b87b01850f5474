"""The rules of data-protection law: the data subject's rights and the records of processing
(GDPR Art. 16-19, 30), and transfers to third countries under GDPR Chapter V, the EUDPR and
the LED."""

from app.policies.rules.rule import EUDPR_REGULATION as _EUDPR
from app.policies.rules.rule import GDPR_REGULATION as _GDPR
from app.policies.rules.rule import LED_DIRECTIVE as _LED
from app.policies.rules.rule import Rule

# --- Data-subject rights and records (GDPR Art. 16-19, 30) -------------------------------------

GDPR_16 = Rule(
    "GDPR-16",
    f"{_GDPR}, Art. 16",
    "Inaccurate subject data are rectified without undue delay (EUDPR Art. 18, LED Art. 16(1)).",
    enforced=True,
)
GDPR_18 = Rule(
    "GDPR-18",
    f"{_GDPR}, Art. 18",
    "Restricted data are only stored: a read needs an Art. 18(2) ground recorded with it; a "
    "record restricted under 18(1)(b)/(c) is not erased by the sweep; lifting needs the subject "
    "informed first (18(3)). EUDPR Art. 20, LED Art. 16(3).",
    enforced=True,
)
GDPR_18_2 = Rule(
    "GDPR-18.2",
    f"{_GDPR}, Art. 18(2)",
    "A transfer or share of a restricted record names an Art. 18(2) ground (legal claims, another "
    "person's rights, important public interest citing its Union or Member-State law, or consent "
    "for a share only: recital 43) besides its basis; EUDPR records answer to EUDPR Art. 20(2); "
    "LED records are never exchanged while restricted (LED Art. 16(3) has no such list); the "
    "recipient is told the data are restricted (Art. 19).",
    enforced=True,
)
GDPR_19 = Rule(
    "GDPR-19",
    f"{_GDPR}, Art. 19",
    "A rectification, erasure or restriction is passed on to every recipient of the data: one task "
    "per transfer or share, marked done by the controller (EUDPR Art. 21).",
    enforced=True,
)
GDPR_30_1 = Rule(
    "GDPR-30.1",
    f"{_GDPR}, Art. 30(1)",
    "The controller keeps a record of processing activities, derived from the data (EUDPR Art. "
    "31, LED Art. 24).",
    enforced=True,
)
GDPR_30_1E = Rule(
    "GDPR-30.1e",
    f"{_GDPR}, Art. 30(1)(e)",
    "A transfer is recorded with its recipient and the third country or international "
    "organisation it goes to.",
    enforced=True,
)

# --- Transfers: GDPR Chapter V -----------------------------------------------------------------

GDPR_45 = Rule(
    "GDPR-45",
    f"{_GDPR}, Art. 45",
    "Adequacy: a Commission decision in force on the transfer date whose scope covers the "
    "destination and the recipient.",
    enforced=True,
)
GDPR_46_2A = Rule(
    "GDPR-46.2a",
    f"{_GDPR}, Art. 46(2)(a)",
    "A legally binding instrument between public authorities, in force and covering the "
    "destination, the recipient authority and the purpose.",
    enforced=True,
)
GDPR_46_3B = Rule(
    "GDPR-46.3b",
    f"{_GDPR}, Art. 46(3)(b)",
    "An administrative arrangement between public authorities, authorised by the supervisory "
    "authority and covering the transfer.",
    enforced=True,
)
GDPR_49_1D = Rule(
    "GDPR-49.1d",
    f"{_GDPR}, Art. 49(1)(d) and 49(4)",
    "Important public interest recognised by Union or Member-State law: recital 25 recognises "
    "return; any other purpose cites the law.",
    enforced=True,
)
GDPR_49_1F = Rule(
    "GDPR-49.1f",
    f"{_GDPR}, Art. 49(1)(f)",
    "Vital interests, where the data subject cannot give consent (the reason is recorded).",
    enforced=True,
)
GDPR_49_3 = Rule(
    "GDPR-49.3",
    f"{_GDPR}, Art. 49(3)",
    "Consent, contract and compelling legitimate interests are never a basis for public "
    "authorities exercising public powers.",
    enforced=True,
)

# --- Transfers: EUDPR (Union institutions and agencies) ----------------------------------------

EUDPR_47 = Rule(
    "EUDPR-47",
    f"{_EUDPR}, Art. 47",
    "Adequacy for transfers by a Union institution or agency.",
    enforced=True,
)
EUDPR_48 = Rule(
    "EUDPR-48",
    f"{_EUDPR}, Art. 48",
    "Safeguards for a Union body: a binding instrument, or an arrangement authorised by the EDPS.",
    enforced=True,
)
EUDPR_50 = Rule(
    "EUDPR-50",
    f"{_EUDPR}, Art. 50",
    "Derogations for a Union body; consent and contract grounds are not available to it.",
    enforced=True,
)

# --- Transfers: LED (law-enforcement processing) -----------------------------------------------

LED_35 = Rule(
    "LED-35",
    f"{_LED}, Art. 35",
    "A law-enforcement transfer goes to a competent authority (else LED-39), and data received "
    "from another Member State need its prior authorisation.",
    enforced=True,
)
LED_36 = Rule(
    "LED-36",
    f"{_LED}, Art. 36",
    "Adequacy under the Directive (GDPR adequacy does not count).",
    enforced=True,
)
LED_37 = Rule(
    "LED-37",
    f"{_LED}, Art. 37",
    "A binding instrument, or the controller's own documented assessment of the safeguards "
    "(then the supervisory authority is informed).",
    enforced=True,
)
LED_38 = Rule(
    "LED-38",
    f"{_LED}, Art. 38",
    "Derogations for specific situations: vital or legitimate interests of the subject, a serious "
    "threat to public security, an individual law-enforcement case.",
    enforced=True,
)
LED_25 = Rule(
    "LED-25",
    f"{_LED}, Art. 25",
    "Logs of collection, alteration, consultation, disclosure (transfers included), combination "
    "and erasure; a consultation or disclosure logs its justification, time, person and "
    "recipients. A read of a law-enforcement record's subject data names its reason, free of "
    "personal data; ILONet logs the same events, and any reason given, under every regime.",
    enforced=True,
)
LED_25_2 = Rule(
    "LED-25.2",
    f"{_LED}, Art. 25(2)",
    "The logs are used only to verify the lawfulness of the processing, for self-monitoring, to "
    "ensure the integrity and security of the data, and in criminal proceedings: a read of the "
    "audit trail names one of these uses (`log_use`), and is logged with it.",
    enforced=True,
)
LED_25_3 = Rule(
    "LED-25.3",
    f"{_LED}, Art. 25(3)",
    "The logs are made available to the supervisory authority on request: the controller's DPO "
    "exports a record's logs (JSON or CSV), and the export is logged.",
    enforced=True,
)
LED_39 = Rule(
    "LED-39",
    f"{_LED}, Art. 39",
    "A recipient that is no competent authority needs the Union or Member-State law providing "
    "for the transfer.",
    enforced=True,
)
