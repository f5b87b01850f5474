"""The JavaScript tools of package-lock.json (node_modules/.bin), once `npm ci` has installed
them: scripts/check.py runs `npm ci` beside the suite's start, holding an exclusive lock on
package-lock.json until it is done, and a test that runs a tool first takes a shared one."""

from __future__ import annotations

import fcntl
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "package-lock.json"
NODE_BIN = ROOT / "node_modules" / ".bin"


def node_tool(name: str) -> Path:
    """The path of a tool of node_modules/.bin, after any `npm ci` under way has finished."""
    with LOCK.open("rb") as lock:
        fcntl.flock(lock, fcntl.LOCK_SH)  # blocks while scripts/check.py's `npm ci` runs
        fcntl.flock(lock, fcntl.LOCK_UN)
    tool = NODE_BIN / name
    assert tool.exists(), "the JavaScript tools are installed by `npm ci` (scripts/check.py)"
    return tool
