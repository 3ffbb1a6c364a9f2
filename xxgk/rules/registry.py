"""The rule catalogue: every rule registers its id, severity, title and purpose here, once.

Rules are generators over a Context and *yield* findings; they never raise for a bad report. The
catalogue is what the docs are generated from, so a rule cannot exist without its documentation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property

from xxgk.model.finding import Finding, Severity
from xxgk.model.report import Place, Report


@dataclass(frozen=True)
class Context:
    report: Report
    previous: Report | None = None

    @cached_property
    def keys_by_status(self) -> dict[str, dict[str, list[str]]]:
        """Cell keys by status, then by table (二/三/四), in the report's order: one pass for the rules
        that each ask for one status."""
        out: dict[str, dict[str, list[str]]] = {}
        for key, detail in self.report.details.items():
            out.setdefault(detail.status, {}).setdefault(_TABLE[key[:2]], []).append(key)
        return out


_TABLE = {"t2": "二", "t3": "三", "t4": "四"}  # catalogue.table_of, for a loop over every cell


RuleFn = Callable[[Context], Iterator[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title: str  # Chinese, what a clerk reads in a list
    doc: str  # when it fires, for the generated catalogue
    fn: RuleFn

    def finding(
        self,
        message: str,
        *,
        cells: list[str] | None = None,
        section: int | None = None,
        table: str | None = None,
        place: Place | None = None,
        severity: Severity | None = None,
        **data: object,
    ) -> Finding:
        return Finding(
            rule=self.id,
            severity=severity or self.severity,
            message=message,
            cells=cells or [],
            section=section,
            table=table,
            place=place,
            data=dict(data),
        )


RULES: dict[str, Rule] = {}


def rule(rule_id: str, severity: Severity, title: str, doc: str) -> Callable[[RuleFn], Rule]:
    def register(fn: RuleFn) -> Rule:
        if rule_id in RULES:
            raise ValueError(f"rule {rule_id} registered twice")
        RULES[rule_id] = Rule(rule_id, severity, title, doc, fn)
        return RULES[rule_id]

    return register
