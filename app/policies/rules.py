"""The rule catalogue: every rule id of the regulation digest, its citation and what it means.

Policies name a rule by its constant (`rules.ILO_10_3`), never by a string, so that a mistyped id
fails at import or in mypy. `enforced` says whether a policy of this code base decides it today;
a rule that is not yet enforced is listed all the same, so that its id is reserved and documented.
docs/RULES.md is generated from this module (`python scripts/rules_doc.py`).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

_ILO = "Regulation (EU) 2019/1240"
_GDPR = "Regulation (EU) 2016/679"
_EUDPR = "Regulation (EU) 2018/1725"
_LED = "Directive (EU) 2016/680"


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


# --- Deployment (Art. 2(2), 3, 4, 6) ----------------------------------------------------------

ILO_2_2 = Rule(
    "ILO-2.2",
    f"{_ILO}, Art. 2(2)",
    "A deployment has exactly one posting type of Art. 2(2)(a)-(d), a host country and region "
    "that are third countries (neither a Member State nor Schengen-associated), a start date and "
    "a planned end after it.",
    enforced=True,
)
ILO_3_4 = Rule(
    "ILO-3.4",
    f"{_ILO}, Art. 3(4)",
    "What ILOs collect on the information topics (a)-(l) holds no personal data: an information "
    "report's aggregated statistics have no cell small enough to single out a person (below "
    "the configured threshold, default 5).",
    enforced=True,
)
ILO_4_1 = Rule(
    "ILO-4.1",
    f"{_ILO}, Art. 4(1)",
    "Planned and actual deployments are notified to the Steering Board with the job description "
    "(Art. 3(4) topics, Art. 3(6) tasks) and the duration.",
    enforced=True,
)

# --- Networks (Art. 5) -------------------------------------------------------------------------

ILO_5_1 = Rule(
    "ILO-5.1",
    f"{_ILO}, Art. 5(1)",
    "ILOs deployed in the same country or region form a local or regional cooperation network.",
    enforced=True,
)
ILO_5_2 = Rule(
    "ILO-5.2",
    f"{_ILO}, Art. 5(2)",
    "Who facilitates a network: an ILO of the Commission if it deploys one, else of an EU agency, "
    "else one the members agree on; skipping a higher candidate is refused.",
    enforced=True,
)
ILO_5_3 = Rule(
    "ILO-5.3",
    f"{_ILO}, Art. 5(3)",
    "The Steering Board is told without undue delay who facilitates a network, or that nobody "
    "was appointed.",
    enforced=True,
)

# --- Joint deployment (Art. 6) -----------------------------------------------------------------

ILO_6_1 = Rule(
    "ILO-6.1",
    f"{_ILO}, Art. 6(1)",
    "An ILO of one Member State may represent other Member States bound by the Regulation, under "
    "a recorded agreement; only a Member State deployer may represent others.",
    enforced=True,
)
ILO_6_2 = Rule(
    "ILO-6.2",
    f"{_ILO}, Art. 6(2)",
    "Member States may share tasks (Art. 3(6) tasks or Art. 3(4) topics) with another bound "
    "Member State, under a recorded agreement.",
    enforced=True,
)
ILO_6_3 = Rule(
    "ILO-6.3",
    f"{_ILO}, Art. 6(3)",
    "Co-deploying states are bound Member States other than the deployer; two or more Member "
    "States deploying jointly make the deployment eligible for Union support (derived).",
    enforced=True,
)

# --- Steering Board (Art. 7, 8) ----------------------------------------------------------------

ILO_7_2 = Rule(
    "ILO-7.2",
    f"{_ILO}, Art. 7(2)",
    "The Steering Board has one representative and one alternate per Member State, two of the "
    "Commission and one each of Frontex, Europol and the EUAA.",
    enforced=True,
)
ILO_7_3 = Rule(
    "ILO-7.3",
    f"{_ILO}, Art. 7(3)",
    "Each Schengen-associated country has a member without a vote.",
    enforced=True,
)
ILO_7_4 = Rule(
    "ILO-7.4",
    f"{_ILO}, Art. 7(4)",
    "Observers (experts, national authorities, international organisations, other Union bodies) "
    "may be invited.",
    enforced=True,
)
ILO_7_6 = Rule(
    "ILO-7.6",
    f"{_ILO}, Art. 7(6)",
    "A Commission representative chairs the Board, assisted by a secretariat.",
    enforced=True,
)
ILO_7_7 = Rule(
    "ILO-7.7",
    f"{_ILO}, Art. 7(7)",
    "The Board meets at least twice a year; a calendar year with fewer meetings is flagged.",
    enforced=True,
)
ILO_7_8 = Rule(
    "ILO-7.8",
    f"{_ILO}, Art. 7(8)",
    "A Board decision needs more than half of all members entitled to vote, not of those present.",
    enforced=True,
)
ILO_7_9 = Rule(
    "ILO-7.9",
    f"{_ILO}, Art. 7(9)",
    "Each deploying authority passes Board decisions on to its ILOs, and that is recorded.",
    enforced=True,
)
ILO_8_1 = Rule(
    "ILO-8.1",
    f"{_ILO}, Art. 8(1)",
    "The Board adopts its rules of procedure within three months of its first meeting.",
    enforced=True,
)
ILO_8_2 = Rule(
    "ILO-8.2",
    f"{_ILO}, Art. 8(2)",
    "The Board's documents: biennial work programme, evaluation, biennial activity report, the "
    "list of deployed ILOs before each meeting, and the gaps in deployment.",
    enforced=True,
)
ILO_8_3 = Rule(
    "ILO-8.3",
    f"{_ILO}, Art. 8(3)",
    "The Board's other tasks: ad-hoc actions, monitoring the flow of information, training, and "
    "exchange through the platform.",
    enforced=True,
)

# --- Information-exchange platform (Art. 9) ----------------------------------------------------

ILO_9_1 = Rule(
    "ILO-9.1",
    f"{_ILO}, Art. 9(1)",
    "No highly sensitive operational law-enforcement information is put on the platform: a "
    "document marked as operational law-enforcement information or with a restrictive handling "
    "code belongs in a law-enforcement channel.",
    enforced=True,
)
ILO_9_3 = Rule(
    "ILO-9.3",
    f"{_ILO}, Art. 9(3)",
    "Only the Board member list and the ILO contact list may hold personal data, and only ILOs, "
    "Board members and authorised staff see them; an officer's contact details leave the list "
    "a set time after the last deployment ended.",
    enforced=True,
)
ILO_9_4 = Rule(
    "ILO-9.4",
    f"{_ILO}, Art. 9(4)",
    "The European Parliament sees the platform content marked for it, never the two lists: the "
    "Board's work programmes and activity reports, and the categories the Board's rules of "
    "procedure make EP-visible.",
    enforced=True,
)

# --- Personal data (Art. 10) -------------------------------------------------------------------

ILO_10_2 = Rule(
    "ILO-10.2",
    f"{_ILO}, Art. 10(2)",
    "Personal data are processed only for an Art. 3(6) task of a deployed ILO and erased when no "
    "longer necessary: a record carries its purpose and a retention end within the cap.",
    enforced=True,
)
ILO_10_3 = Rule(
    "ILO-10.3",
    f"{_ILO}, Art. 10(3)",
    "Each data category serves its one purpose; category (e) only smuggling and trafficking (the "
    "law), and any other pairing is refused too (the stricter reading).",
    enforced=True,
)
ILO_10_3F = Rule(
    "ILO-10.3f",
    f"{_ILO}, Art. 10(3) (ILONet product rule: closed field set per category)",
    "Subject data hold only fields that belong to one of the record's categories.",
    enforced=True,
    product_rule=True,
)
ILO_10_4 = Rule(
    "ILO-10.4",
    f"{_ILO}, Art. 10(4)",
    "An exchange discloses named fields of the record only, with a justification of strict "
    "necessity; a share goes to an ILO, a network or a Member State's competent authority.",
    enforced=True,
)

# --- Statistics (Art. 12, Art. 3(4); GDPR recital 26) -----------------------------------------

ILO_12 = Rule(
    "ILO-12",
    f"{_ILO}, Art. 12 and Art. 3(4); {_GDPR}, recital 26 (ILONet product rule: disclosure control)",
    "Published statistics single out no one: a count from 1 to the threshold - 1 (default 5) is "
    "withheld, and so is every further count that would let it be computed back (complementary "
    "withholding within a table's margins and between a row's measures; a period's figure "
    "whenever one of its months is withheld), in every format alike.",
    enforced=True,
    product_rule=True,
)
ILO_12R = Rule(
    "ILO-12r",
    f"{_ILO}, Art. 12; {_GDPR}, recital 26 (ILONet product rule: disclosure control)",
    "A rate or a median is withheld when a count it is taken over is withheld: never shown as "
    "a small count.",
    enforced=True,
    product_rule=True,
)

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
LED_39 = Rule(
    "LED-39",
    f"{_LED}, Art. 39",
    "A recipient that is no competent authority needs the Union or Member-State law providing "
    "for the transfer.",
    enforced=True,
)

# --- Product rules and scope -------------------------------------------------------------------

NR_1 = Rule(
    "NR-1",
    f"{_ILO}, Art. 3(2) and recital 4 (ILONet product rule: non-refoulement)",
    "Data of a person in need of international protection never go to the authorities of their "
    "country of nationality (an unknown nationality is refused); a return decision is no bar.",
    enforced=True,
    product_rule=True,
)
DOC_1 = Rule(
    "DOC-1",
    f"{_GDPR}, Art. 5(2) (ILONet product rule: basis and necessity documented)",
    "A transfer names a basis of its regime with the details it rests on and the necessity "
    "assessment.",
    enforced=True,
    product_rule=True,
)
SCOPE_EUROPOL = Rule(
    "SCOPE-EUROPOL",
    "Regulation (EU) 2016/794, Art. 25",
    "Europol transfers under its own Regulation: a transfer from a Europol record is refused.",
    enforced=True,
)
ACL_ORG = Rule(
    "ACL-ORG",
    "ILONet access control: acting for another organisation",
    "A caller acts only for its own organisation.",
    enforced=True,
    product_rule=True,
)
ACL_CLAIM = Rule(
    "ACL-CLAIM",
    "ILONet access control: a token's claims bound to its organisation",
    "A token names a participant organisation, only roles that organisation may hold (the role "
    "table, docs/ROLES.md) and, as officer_id, only an officer of that organisation; otherwise "
    "it is refused (401) and the refusal is audited.",
    enforced=True,
    product_rule=True,
)
ACL_ROLE = Rule(
    "ACL-ROLE",
    "ILONet access control: the role or scope lacks the action",
    "A caller needs a role that may do the action, or as an integration client the scope for it.",
    enforced=True,
    product_rule=True,
)

# --- Readmission cooperation (Regulation (EC) No 810/2009, Art. 25a) ---------------------------

RA_1 = Rule(
    "RA-1",
    "Regulation (EC) No 810/2009, Art. 25a (ILONet product rule: readmission follow-up)",
    "The follow-up of a readmission identification refers to an identification request: a "
    "transfer of a return identification record (purpose return, category a_return_identity) "
    "to a public authority of a third country; it holds nothing about the subject beyond it.",
    enforced=True,
    product_rule=True,
)
RA_2 = Rule(
    "RA-2",
    "Regulation (EC) No 810/2009, Art. 25a (ILONet product rule: readmission follow-up)",
    "A follow-up is consistent and dated after the request: an answer (confirmed or "
    "not_confirmed) has a date on or after the transfer and not in the future, no_answer has "
    "none; a travel document or an accepted return operation only follows a confirmed answer, "
    "the document issued on or after the answer.",
    enforced=True,
    product_rule=True,
)

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
            f"rule id {rule_id!r} is not in the catalogue (app/policies/rules.py)"
        ) from None
