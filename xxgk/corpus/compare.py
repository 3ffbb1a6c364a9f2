"""One body's series: its reports year by year, the main totals and metrics, changes and jumps.

The agency is named by its key or by part of a name (as printed, as stored or as an alias); a name that
fits several bodies is an error listing them, never a guess. Each year shows one report (the pick of
``frame.one_per_body_year``; ``reports`` says how many stored documents the body has for that year) and
is compared with the previous year present in the series (``previous_year``, usually year − 1): the
change of every total and metric, and the columns whose change is a jump (``metrics.is_jump``). The
body's cross-report findings (history.*) come with it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from xxgk.corpus.frame import dicts, identity_sql, one_per_body_year, values_sql
from xxgk.corpus.metrics import MAIN_TOTALS, METRICS, is_jump, metric_inputs
from xxgk.corpus.store import Store


class AgencyNotFound(ValueError):
    """No stored body, or more than one, answers to the name given; the message lists the candidates."""


def resolve_agency(store: Store, agency: str) -> dict[str, Any]:
    """The one stored agency ``agency`` names: its key exactly, else its only match by (part of a) name."""
    found = store.find_agencies(agency)
    exact = [a for a in found if agency in (a["agency_key"], a["name"])]
    if len(exact) == 1:
        return exact[0]
    if len(found) == 1:
        return found[0]
    if not found:
        raise AgencyNotFound(f"no stored agency matches {agency!r} (see `xxgk agencies`)")
    shown = "; ".join(f"{a['agency_key']} {a['name']}" for a in found[:20])
    more = f" and {len(found) - 20} more" if len(found) > 20 else ""
    raise AgencyNotFound(
        f"{agency!r} matches {len(found)} agencies: {shown}{more}; give a key or a longer name"
    )


def parse_years(text: str) -> list[int]:
    """``2021-2024`` → 2021 … 2024; ``2021,2023`` and ``2024`` too. ValueError for anything else."""
    years: list[int] = []
    for part in text.replace("，", ",").split(","):
        part = part.strip()
        lo, sep, hi = part.partition("-")
        try:
            a, b = (int(lo), int(hi)) if sep else (int(part), int(part))
        except ValueError:
            raise ValueError(f"bad years {text!r}; write 2021-2024, 2021,2023 or 2024") from None
        if a > b:
            raise ValueError(f"bad years {text!r}: {a} is after {b}")
        years.extend(range(a, b + 1))
    return sorted(set(years))


def compare(store: Store, agency: str, years: Iterable[int] | None = None) -> dict[str, Any]:
    """``{"agency", "years": [one dict per year], "jumps": [...], "history_findings": [...]}``."""
    body = resolve_agency(store, agency)
    key = body["agency_key"]
    wanted = sorted(set(years)) if years is not None else None
    where = "WHERE agency_key = ?" + (" AND year IN (SELECT unnest(?))" if wanted is not None else "")
    params: list[Any] = [key] + ([wanted] if wanted is not None else [])
    base = f"SELECT *, count(*) OVER (PARTITION BY year) AS reports FROM ({identity_sql()}) {where}"
    keys = tuple(dict.fromkeys((*MAIN_TOTALS, *metric_inputs())))
    rows = dicts(
        store.con.execute(
            f"WITH b AS ({one_per_body_year(base)}), v AS ({values_sql(keys, 'SELECT report_id FROM b')}) "
            "SELECT b.year, b.report_id, b.printed_name, b.format_version, b.kind, b.path, b.errors, "
            f"b.warnings, b.reports, v.* EXCLUDE (report_id) FROM b LEFT JOIN v USING (report_id) "
            "ORDER BY b.year NULLS LAST",
            params,
        )
    )
    series = [_year_row(r) for r in rows]
    jumps = _changes(series)
    info = store.agency(key) or {}
    history = [f for f in info.get("history_findings", []) if wanted is None or f["year"] in wanted]
    for f in history:
        f["cells"] = list(f["cells"] or [])
    return {
        "agency": {k: body[k] for k in ("agency_key", "name", "province", "city", "county", "level")}
        | {"printed_names": info.get("printed_names", []), "aliases": info.get("aliases", [])},
        "years": series,
        "jumps": jumps,
        "history_findings": history,
    }


def _whole(v: Any) -> Any:
    return int(v) if isinstance(v, float) and v.is_integer() else v


def _year_row(r: dict[str, Any]) -> dict[str, Any]:
    out = {k: r[k] for k in ("year", "report_id", "printed_name", "format_version", "kind", "path",
                             "errors", "warnings", "reports")}  # fmt: skip
    cells = {k: r.get(k) for k in metric_inputs()} | {k: r.get(k) for k in MAIN_TOTALS}
    out |= {k: _whole(cells[k]) for k in MAIN_TOTALS}
    out |= {m.id: m.compute(cells) for m in METRICS.values()}
    return out


def _changes(series: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Fill ``previous_year``, ``change.*`` and ``jumps`` in each year; return every jump as a row."""
    jumps: list[dict[str, Any]] = []
    prev: dict[str, Any] | None = None
    for r in series:
        r["previous_year"] = prev["year"] if prev else None
        r["jumps"] = []
        for c in (*MAIN_TOTALS, *METRICS):
            ratio = c in METRICS
            before = prev[c] if prev else None
            r[f"change.{c}"] = None if before is None or r[c] is None else r[c] - before
            if is_jump(before, r[c], ratio=ratio):
                r["jumps"].append(c)
                jumps.append(
                    {"year": r["year"], "previous_year": prev["year"] if prev else None, "column": c,
                     "previous": before, "value": r[c], "change": r[f"change.{c}"]}
                )  # fmt: skip
        if r["year"] is not None:
            prev = r
    return jumps
