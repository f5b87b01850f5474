"""Read access shared by the resources: integration scopes and who may see what (ACL-ROLE)."""

from __future__ import annotations

from app.policies import deny
from app.problems import PolicyDenied
from app.security import Principal

# Art. 9(3): the ILO contact list and the Board member list are for ILOs, Board members and
# duly authorised staff.
CONTACT_LIST_ROLES = frozenset(
    {"ilo", "sb_member", "sb_alternate", "sb_chair", "sb_secretariat", "authorised_staff"}
)


def require_read_scope(principal: Principal, scope: str, *, resource_type: str) -> None:
    """An integration client reads only what its scope list names (ACL-ROLE).

    People (any other role) read network-wide information as participants of the network.
    """
    if principal.roles == {"integration"} and scope not in principal.scopes:
        raise PolicyDenied(
            deny("ACL-ROLE", f"reading {resource_type} needs scope {scope}"),
            resource_type=resource_type,
            action=f"{resource_type}.read",
        )
