"""The minting settings of `ilonet token` (app/dev_issuer.py) read the environment as Settings
(app/config.py) does: the same values for the same variables, and a refusal where Settings
refuses."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from app.config import Settings
from app.dev_issuer import MintingSettings, minting_settings

ENVIRONS: list[dict[str, str]] = [
    {},
    {"ILONET_ENV": "production"},
    {"ILONET_ENV": "test", "ILONET_DATA_DIR": "/srv/ilonet"},
    {"ilonet_env": "production", "ilonet_data_dir": "relative/dir"},
    {"ILONET_DEV_TOKEN_MAX_TTL_SECONDS": "600"},
    {"ILONET_DEV_TOKEN_MAX_TTL_SECONDS": " 1 "},
    {"ILONET_DEV_TOKEN_MAX_TTL_SECONDS": "86400", "OTHER": "x"},
]
REFUSED: list[dict[str, str]] = [
    {"ILONET_ENV": "Production"},
    {"ILONET_ENV": "staging"},
    {"ILONET_DEV_TOKEN_MAX_TTL_SECONDS": "0"},
    {"ILONET_DEV_TOKEN_MAX_TTL_SECONDS": "86401"},
    {"ILONET_DEV_TOKEN_MAX_TTL_SECONDS": "-5"},
    {"ILONET_DEV_TOKEN_MAX_TTL_SECONDS": "an hour"},
]


def settings(environ: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name in [n for n in os.environ if n.upper().startswith("ILONET_")]:
        monkeypatch.delenv(name)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return Settings()


@pytest.mark.parametrize("environ", ENVIRONS)
def test_the_same_values_as_settings(
    environ: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    full = settings(environ, monkeypatch)
    light = minting_settings(environ)
    assert light == MintingSettings(full.env, full.data_dir, full.dev_token_max_ttl_seconds)
    assert light.production is full.production


@pytest.mark.parametrize("environ", REFUSED)
def test_refused_where_settings_refuses(
    environ: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ValidationError):
        settings(environ, monkeypatch)
    with pytest.raises(ValueError, match=r"^ILONET_") as refused:
        minting_settings(environ)
    assert next(iter(environ.values())) in str(refused.value)


def test_a_given_data_dir_wins() -> None:
    given = minting_settings({"ILONET_DATA_DIR": "/srv/ilonet"}, data_dir=Path("here"))
    assert given.data_dir == Path("here")
