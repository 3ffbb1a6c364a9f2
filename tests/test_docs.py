"""Docs come from the code: the rule catalogue is generated, and the README's commands exist."""

from __future__ import annotations

import re
from pathlib import Path

import xxgk
from xxgk.cli.app import app
from xxgk.rules.catalogue_doc import catalogue_markdown

ROOT = Path(__file__).resolve().parent.parent


def test_rule_catalogue_doc_is_current() -> None:
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == catalogue_markdown(), (
        "docs/rules.md is stale: run `xxgk rules --markdown > docs/rules.md`"
    )


def test_every_rule_has_a_title_and_a_description() -> None:
    for rule in xxgk.RULES.values():
        assert re.fullmatch(r"[a-z]+\.[a-z0-9_]+", rule.id), rule.id
        assert rule.severity in ("error", "warning", "info")
        assert rule.title and rule.doc.endswith("."), rule.id


def test_format_md_minimum_catalogue_is_implemented() -> None:
    minimum = {
        "section.missing", "section.title_nonstandard", "section.order", "table.missing",
        "table.layout_nonstandard", "cell.blank", "cell.placeholder", "cell.ambiguous", "cell.invalid",
        "arith.t3_balance", "arith.t3_row_total", "arith.t3_outcome_total", "arith.t4_total",
        "text.applications_mismatch", "text.litigation_mismatch", "text.sum_mismatch",
        "meta.period_missing", "meta.year_mismatch", "meta.fee_statement_missing", "meta.format_legacy",
        "history.carry_mismatch", "history.in_force_mismatch",
    }  # fmt: skip
    assert minimum <= set(xxgk.RULES)


def test_every_cli_command_has_help_and_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in app.registered_commands:
        assert command.callback is not None and command.callback.__doc__, command.name
        assert f"xxgk {command.name}" in readme, command.name


def test_readme_first_screen_has_exactly_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```")[1].split("\n", 1)[1]  # drop the language tag
    commands = [
        ln for ln in first_block.strip().splitlines() if ln.strip() and not ln.lstrip().startswith("#")
    ]
    assert len(commands) == 2
    assert "xxgk check examples/" in commands[0]
    assert "pytest" in commands[1]


def test_public_api_is_pinned() -> None:
    assert sorted(xxgk.__all__) == sorted(
        [
            "RULES",
            "Finding",
            "ReadError",
            "Report",
            "__version__",
            "check",
            "has_errors",
            "parse",
            "parse_bytes",
        ]
    )
