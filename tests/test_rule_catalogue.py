"""The rule catalogue against the repository: docs/RULES.md is generated from it, every enforced
rule has a test named after it, the `enforced` flags are what the policies use, and every rule id
the application mentions is in it. Test names are read with `ast`, not by running the tests."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import app.policies
from app.policies.rules import BY_ID, CATALOGUE, Rule
from app.policies.rules_doc import events_markdown, markdown, roles_markdown

ROOT = Path(__file__).resolve().parents[1]
# A rule id as the digest writes them: a prefix, a dash, then a number or name with optional
# dotted parts (ILO-10.3f, GDPR-49.1d, SCOPE-EUROPOL). "ILO-6.1-6.3" and "LED-35/39" yield the
# first id only; a sentence's full stop is not part of the id.
RULE_ID = re.compile(
    r"(?<![\w-])(?:ILO|GDPR|EUDPR|LED|NR|DOC|SCOPE|ACL|RA)-[0-9A-Z][0-9A-Za-z]*(?:\.[0-9A-Za-z]+)*"
)


def test_rules_doc_is_generated_from_the_catalogue() -> None:
    committed = (ROOT / "docs" / "RULES.md").read_text(encoding="utf-8")
    assert committed == markdown(), "docs/RULES.md is stale: run scripts/rules_doc.py"


def test_the_event_table_is_generated_from_the_declarations() -> None:
    committed = (ROOT / "docs" / "EVENTS.md").read_text(encoding="utf-8")
    assert committed == events_markdown(), "docs/EVENTS.md is stale: run scripts/rules_doc.py"
    assert "| `network_meeting.cancelled` | `network_meeting.cancel` | yes |" in committed
    assert "| `webhook.redelivered` | `webhook.redeliver` | audit only |" in committed


def test_the_generator_reports_a_stale_doc(tmp_path: Path) -> None:
    script = ROOT / "scripts" / "rules_doc.py"
    fresh = subprocess.run(
        [sys.executable, str(script), "--check"], capture_output=True, text=True, check=False
    )
    assert (fresh.returncode, fresh.stdout) == (0, "")
    stale = tmp_path / "RULES.md"
    stale.write_text(markdown().replace("not yet", "enforced", 1), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script), "--check", "--output", str(stale)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "is stale: run scripts/rules_doc.py" in result.stdout


def test_rules_doc_has_one_row_per_rule() -> None:
    rows = [line for line in markdown().splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == [rule.id for rule in CATALOGUE]
    assert "| `ILO-5.2` | Regulation (EU) 2019/1240, Art. 5(2) |" in rows[4]
    assert rows[4].endswith("| enforced | law |")
    assert rows[-1].endswith("| enforced | product |")


def defined_test_names(source: str) -> list[str]:
    """The names of the test functions (and methods) a test module defines."""
    return [
        node.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("test_")
    ]


def names_rule(test_name: str, rule: Rule) -> bool:
    """Whether a test is named after the rule: its snake-form id is a whole `_`-separated part."""
    return re.search(rf"(?:^|_){re.escape(rule.test_token)}(?:_|$)", test_name) is not None


def all_test_names() -> list[str]:
    return [
        name
        for path in (ROOT / "tests").rglob("*.py")
        for name in defined_test_names(path.read_text(encoding="utf-8"))
    ]


@pytest.mark.parametrize(
    ("rule_id", "token"),
    [
        ("ILO-10.3", "ilo_10_3"),
        ("ILO-10.3f", "ilo_10_3f"),
        ("GDPR-49.1d", "gdpr_49_1d"),
        ("SCOPE-EUROPOL", "scope_europol"),
        ("ACL-ORG", "acl_org"),
    ],
)
def test_a_rule_id_in_snake_form(rule_id: str, token: str) -> None:
    assert BY_ID[rule_id].test_token == token


def test_a_test_names_a_rule_only_by_its_whole_id() -> None:
    ilo_10_3, ilo_10_3f = BY_ID["ILO-10.3"], BY_ID["ILO-10.3f"]
    assert names_rule("test_ilo_10_3_category_e_only_for_smuggling_purpose", ilo_10_3)
    assert names_rule("test_ilo_10_3", ilo_10_3)
    assert not names_rule("test_ilo_10_3f_fields_outside_the_categories", ilo_10_3)
    assert names_rule("test_ilo_10_3f_fields_outside_the_categories", ilo_10_3f)
    assert not names_rule("test_gdpr_30_1e_recipient", BY_ID["GDPR-30.1"])
    assert not names_rule("test_xilo_10_3_", ilo_10_3)


def test_test_names_come_from_the_syntax_tree() -> None:
    source = """
def test_plain(): ...
async def test_async(): ...
class TestGroup:
    def test_method(self): ...
def helper_test_not_a_test(): ...
NAME = "def test_in_a_string(): ..."
"""
    assert sorted(defined_test_names(source)) == ["test_async", "test_method", "test_plain"]


def test_every_enforced_rule_has_a_test_named_after_it() -> None:
    names = all_test_names()
    assert len(names) > 300  # the whole suite was read
    untested = [
        rule.id
        for rule in CATALOGUE
        if rule.enforced and not any(names_rule(name, rule) for name in names)
    ]
    assert untested == [], "enforced rules without a test named after them (test_<id>_...)"


def rules_the_policies_use() -> set[Rule]:
    """The Rule constants the policy modules import (ruff keeps no unused import)."""
    used: set[Rule] = set()
    for info in pkgutil.iter_modules(app.policies.__path__):
        if info.name == "rules":
            continue
        module = importlib.import_module(f"app.policies.{info.name}")
        used |= {value for value in vars(module).values() if isinstance(value, Rule)}
    return used


def test_a_rule_is_enforced_exactly_when_a_policy_uses_it() -> None:
    used = rules_the_policies_use()
    enforced = {rule for rule in CATALOGUE if rule.enforced}
    assert sorted(r.id for r in used - enforced) == [], "used by a policy but enforced=False"
    assert sorted(r.id for r in enforced - used) == [], "enforced=True but no policy uses it"


def rule_ids_in(text: str) -> set[str]:
    return set(RULE_ID.findall(text))


def test_the_rule_id_pattern() -> None:
    text = (
        "ACL-ROLE/ORG, ILO-6.1-6.3, LED-35/39, GDPR-49.1d/49.1f, ILO-10.2. Then ILO-10.3f and "
        "SCOPE-EUROPOL; LED-37(1)(b). NR-1: X-ILO-2.2 is not one, nor ilo-2.2."
    )
    assert rule_ids_in(text) == {
        "ACL-ROLE",
        "ILO-6.1",
        "LED-35",
        "GDPR-49.1d",
        "ILO-10.2",
        "ILO-10.3f",
        "SCOPE-EUROPOL",
        "LED-37",
        "NR-1",
    }


def test_every_rule_id_in_the_application_is_in_the_catalogue() -> None:
    paths = [
        path
        for path in sorted((ROOT / "app").rglob("*"))
        if path.suffix in {".py", ".json"} and "static" not in path.relative_to(ROOT).parts
    ]
    found: dict[str, set[str]] = {}
    for path in paths:
        for rule_id in rule_ids_in(path.read_text(encoding="utf-8")):
            found.setdefault(rule_id, set()).add(str(path.relative_to(ROOT)))
    unknown = {rule_id: sorted(where) for rule_id, where in found.items() if rule_id not in BY_ID}
    assert unknown == {}
    assert {"ACL-ROLE", "ILO-10.3f", "GDPR-49.1d", "SCOPE-EUROPOL"} <= found.keys()


def test_roles_doc_is_generated_from_the_role_table() -> None:
    committed = (ROOT / "docs" / "ROLES.md").read_text(encoding="utf-8")
    assert committed == roles_markdown(), "docs/ROLES.md is stale: run scripts/rules_doc.py"
