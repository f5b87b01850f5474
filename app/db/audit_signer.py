"""The audit log's checkpoint signing keys, from settings (or made once in the data dir)."""

from __future__ import annotations

from app.config import Settings
from app.db.audit_note import Signer, generate, parse_signer
from app.keyring import create_once

DEV_ORIGIN = "ilonet.localhost/audit-log"


def log_signers(settings: Settings) -> list[Signer]:
    """Every configured key (they sign each checkpoint); one name for all, the log's origin."""
    if settings.audit_log_keys:
        signers = [parse_signer(text) for text in settings.audit_log_keys]
    elif settings.production:
        raise RuntimeError("Production needs ILONET_AUDIT_LOG_KEYS (`ilonet witness keygen`).")
    else:
        path = settings.data_dir / "dev-audit-log-key"
        text = create_once(path, lambda: generate(DEV_ORIGIN).skey().encode()).decode()
        signers = [parse_signer(text)]
    if len({s.name for s in signers}) != 1:
        raise RuntimeError("The audit log's keys must all carry the log's origin as their name.")
    return signers
