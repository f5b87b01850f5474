"""The vocabularies of the information-exchange platform's documents (Art. 9): their category,
audience and handling marking."""

from enum import StrEnum


# The categories of platform content of Art. 9(2)(a)-(e), and ILO information reports (3(4)).
class DocumentCategory(StrEnum):
    a_analytical_product = "a_analytical_product"
    b_programme_or_report = "b_programme_or_report"
    c_board_member_list = "c_board_member_list"
    d_ilo_contact_list = "d_ilo_contact_list"
    e_board_document = "e_board_document"
    ilo_information_report = "ilo_information_report"


# Who a platform document is for (ILO-9.3, ILO-9.4).
class DocumentAudience(StrEnum):
    network = "network"
    all_ilos = "all_ilos"
    steering_board = "steering_board"
    european_parliament = "european_parliament"


# The handling marking of a platform document: nothing on the platform is restricted to law
# enforcement (ILO-9.1); `limited` keeps it inside its audience.
class HandlingMarking(StrEnum):
    public = "public"
    limited = "limited"
