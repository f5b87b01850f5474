"""The development issuer of `ilonet token`: its name, the tokens' audience, and the three
settings minting needs (environment, data dir, longest lifetime), read from the environment as
app/config.py's Settings reads them (ILONET_*, any case) but without pydantic, so the command
starts in a fraction of the time (bench/cli_startup.py). Settings takes its defaults from here,
and tests/test_dev_issuer.py proves both read the same environment alike."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast, get_args

AUDIENCE = "ilonet"
DEV_ISSUER = "ilonet-dev"

Environment = Literal["development", "test", "production"]
ENVIRONMENTS: tuple[str, ...] = get_args(Environment)
DEFAULT_ENVIRONMENT: Environment = "development"
DEFAULT_DATA_DIR = Path(".ilonet")
# The longest lifetime (exp - iat) of the development issuer's tokens, and its default.
DEV_TOKEN_MAX_TTL_SECONDS = 86_400


@dataclass(frozen=True, slots=True)
class MintingSettings:
    """What `ilonet token` needs of the settings: Settings' fields of the same names."""

    env: Environment = DEFAULT_ENVIRONMENT
    data_dir: Path = DEFAULT_DATA_DIR
    dev_token_max_ttl_seconds: int = DEV_TOKEN_MAX_TTL_SECONDS

    @property
    def production(self) -> bool:
        return self.env == "production"


def minting_settings(
    environ: Mapping[str, str] | None = None, data_dir: Path | None = None
) -> MintingSettings:
    """The environment's minting settings (a given `data_dir` wins); ValueError names a variable
    whose value Settings would refuse."""
    given = {k.lower(): v for k, v in (os.environ if environ is None else environ).items()}
    env = given.get("ilonet_env", DEFAULT_ENVIRONMENT)
    if env not in ENVIRONMENTS:
        raise ValueError(f"ILONET_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    ttl_text = given.get("ilonet_dev_token_max_ttl_seconds", str(DEV_TOKEN_MAX_TTL_SECONDS))
    try:
        ttl = int(ttl_text.strip())
    except ValueError:
        ttl = 0
    if not 0 < ttl <= DEV_TOKEN_MAX_TTL_SECONDS:
        raise ValueError(
            f"ILONET_DEV_TOKEN_MAX_TTL_SECONDS must be 1..{DEV_TOKEN_MAX_TTL_SECONDS}, "
            f"not {ttl_text!r}"
        )
    if data_dir is None:
        data_dir = (
            Path(given["ilonet_data_dir"]) if "ilonet_data_dir" in given else DEFAULT_DATA_DIR
        )
    return MintingSettings(
        env=cast(Environment, env), data_dir=data_dir, dev_token_max_ttl_seconds=ttl
    )
