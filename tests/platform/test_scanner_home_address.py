"""ILO-9.3: a home address identifies the person it is given for. After a name, an address's
label (before its colon or its house number) is an identifying attribute as `residing at` is;
the label alone, or an office's address after an official, is none. Each example is written
for its rule."""

from __future__ import annotations

from app.platform.extract import PLAIN, extract
from app.platform.scanner import kinds, scan
from app.platform.text import FindingKind


def _kinds(text: str) -> frozenset[FindingKind]:
    return kinds(scan(extract(text.encode(), PLAIN).units))


def test_an_address_label_after_a_name_is_an_identifying_attribute() -> None:
    for line in (
        "Host: Fatou Ndiaye, address 12 Green Street, London",
        "Gastgeber: Fatou Ndiaye, Anschrift: Hauptstraße 12, 10115 Berlin",
        "Invitante: Giulia Bianchi, indirizzo: via Roma 12, Roma",
        "Referent: Jan de Vries, adres: Dorpsstraat 12, Utrecht",
        "Avalista: Carmen Ruiz, domicilio: Calle del Pez 3, Madrid",
        "Hébergeant : Youssef Benali, adresse : 4 rue des Lilas, Lyon",
    ):
        assert FindingKind.personal_name in _kinds(line), line
    # A verb or a noun that only begins like the label, an address of an office after an
    # official, or the label with neither colon nor number, names no one's home.
    for line in (
        "Ambassador Jean Dupont addressed the meeting.",
        "Minister Jean Dupont, address of the ministry: 12 rue de Grenelle",
        "Jean Dupont, address pending",
    ):
        assert FindingKind.personal_name not in _kinds(line), line
