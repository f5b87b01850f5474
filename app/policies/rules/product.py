"""ILONet's own rules (a stricter reading of the law, its access control) and the scope:
non-refoulement, a documented basis, Europol's own transfers, who may act, and the readmission
follow-up."""

from app.policies.rules.rule import GDPR_REGULATION as _GDPR
from app.policies.rules.rule import ILO_REGULATION as _ILO
from app.policies.rules.rule import Rule

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
AUDIT_W1 = Rule(
    "AUDIT-W1",
    "ILONet audit log: a witness's cosignature (C2SP tlog-cosignature)",
    "A witness posts a cosignature only for an organisation other than the log's operator, under "
    "a witness key registered for its organisation, on a checkpoint ILONet signed, and the "
    "cosignature verifies over that checkpoint.",
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
