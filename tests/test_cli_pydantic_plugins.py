"""`ilonet` runs with pydantic's plugins off unless PYDANTIC_DISABLE_PLUGINS says otherwise: no
plugin found among whatever else is installed is handed the values the models validate."""

from __future__ import annotations

import os

import pytest

from app.cli import main


def test_the_command_line_turns_pydantic_plugins_off(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("PYDANTIC_DISABLE_PLUGINS", raising=False)

    assert main(["--help"]) == 0

    assert os.environ["PYDANTIC_DISABLE_PLUGINS"] == "__all__"
    assert "serve" in capsys.readouterr().out


def test_an_explicit_setting_is_kept(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "")

    assert main(["--help"]) == 0

    assert os.environ["PYDANTIC_DISABLE_PLUGINS"] == ""
    assert "serve" in capsys.readouterr().out
