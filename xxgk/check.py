"""Run the rule catalogue over a report: findings, most severe first, in a stable order."""

from __future__ import annotations

from xxgk.extract.gcpause import gc_paused
from xxgk.model.finding import SEVERITY_RANK, Finding
from xxgk.model.report import Report
from xxgk.rules import RULES, Context


def check(report: Report, previous: Report | None = None) -> list[Finding]:
    """Every finding of every rule; cross-year (history.*) rules run only when `previous` is given."""
    ctx = Context(report, previous)
    findings: list[Finding] = []
    with gc_paused():
        for rule in RULES.values():
            findings.extend(rule.fn(ctx))
    order = {rule_id: i for i, rule_id in enumerate(RULES)}
    findings.sort(key=lambda f: (SEVERITY_RANK[f.severity], order[f.rule]))
    return findings


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)
