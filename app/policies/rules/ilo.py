"""The rules of the ILO Regulation (EU) 2019/1240: deployment, networks, joint deployment, the
Steering Board, the information-exchange platform, personal data and statistics."""

from app.policies.rules.rule import GDPR_REGULATION as _GDPR
from app.policies.rules.rule import ILO_REGULATION as _ILO
from app.policies.rules.rule import Rule

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
    "withheld, and so are further counts until, whatever answers are combined (margins, "
    "measures, sections, periods, formats, the activity report), each such count could be any "
    "value from 1 to the threshold - 1; a period's figure is withheld whenever one of its "
    "months is, and deployments are counted on a month's last day.",
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
