"""ILO-9.3: a link written without its scheme (`facebook.com/…`, `t.me/…`) is read as a link:
its path says whether it is a person's, as a link with `https://` does. Each example is written
for its rule."""

from __future__ import annotations

from app.platform.contact import has_personal_url


def test_a_link_without_its_scheme_is_read_by_its_path() -> None:
    for line in (
        "Sponsor on Facebook: facebook.com/amadou.diop.84",
        "Recruits through t.me/visa_fast_2026",
        "Profil: linkedin.com/in/sara-el-amrani-5a1b",
        "Perfil en instagram.com/karim_travel_77",
    ):
        assert has_personal_url(line), line
    # An organisation's account, a site's section, a legal reference, a ratio or an e-mail's
    # domain are no person's link.
    for line in (
        "Follow instagram.com/frontex for updates",
        "Figures at frontex.europa.eu/what-we-do/monitoring",
        "Regulation 2019/1240, Art. 4/2",
        "Ratio 12.5/100 passengers",
    ):
        assert not has_personal_url(line), line
