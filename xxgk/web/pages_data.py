"""The 数据 (corpus) pages: the report list with filters, one stored report, one agency, the dashboard.

Each page reads the store through ``xxgk.corpus`` (the same functions as ``/api/v1``) and links every chart
to the API call that gives its numbers as CSV. Filters arrive from plain GET forms, so an empty field
means "any".
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from xxgk.corpus import Store
from xxgk.corpus.compare import AgencyNotFound, compare
from xxgk.corpus.coverage import coverage
from xxgk.corpus.metrics import MAIN_TOTALS, METRICS
from xxgk.corpus.queries import LEVELS
from xxgk.corpus.stats import DEFAULT_MIN_GROUP, stats
from xxgk.errors import ReadError
from xxgk.model.finding import Finding
from xxgk.model.report import Report
from xxgk.web.api_corpus import uploaded_roster
from xxgk.web.charts import Bar, bar_chart, line_chart, number, percent
from xxgk.web.corpus_data import LEVEL_ZH, connect, outcomes
from xxgk.web.errors import ApiError
from xxgk.web.review import review_view
from xxgk.web.security import require_token
from xxgk.web.templating import templates

router = APIRouter(include_in_schema=False)
PAGE = 50
RANK_BY = {"province": "省份", "city": "地市", "county": "区县", "level": "层级"}


def _page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    return templates().TemplateResponse(request, name, context, status_code=status)


def _no_db(request: Request, nav: str) -> Response | None:
    if request.app.state.settings.db_path is None:
        return _page(request, "data_none.html", {"nav": nav})
    return None


def _int(value: str | None, name: str, lo: int, hi: int) -> int | None:
    if value is None or not value.strip():
        return None
    try:
        n = int(value)
    except ValueError:
        raise ApiError(422, "invalid", f"{name}: not a whole number") from None
    if not lo <= n <= hi:
        raise ApiError(422, "invalid", f"{name}: must be between {lo} and {hi}")
    return n


def _choice(value: str | None, allowed: Any, default: str | None = None) -> str | None:
    return value if value in allowed else default


def _filters(region: str | None, year: str | None, level: str | None) -> dict[str, Any]:
    return {
        "region": (region or "").strip()[:40] or None,
        "year": _int(year, "year", 1990, 2100),
        "level": _choice(level, LEVELS),
    }


def query(**params: Any) -> str:
    """A query string of the non-empty parameters (for links that keep the filters)."""
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


@router.get("/data", response_class=HTMLResponse)
def reports_page(
    request: Request,
    region: str | None = None,
    year: str | None = None,
    level: str | None = None,
    errors: str | None = None,
    agency: str | None = None,
    page: str | None = None,
) -> Response:
    if (none := _no_db(request, "data")) is not None:
        return none
    chosen = _filters(region, year, level)
    with_errors = {"yes": True, "no": False}.get(errors or "")
    name = (agency or "").strip()[:80] or None
    number_ = _int(page, "page", 1, 100000) or 1
    with connect(request) as store:
        total = store.count_reports(**chosen, with_errors=with_errors, agency=name)
        rows = store.list_reports(
            **chosen, with_errors=with_errors, agency=name, limit=PAGE, offset=(number_ - 1) * PAGE
        )
        summary = store.summary()
    keep = {**chosen, "errors": errors if with_errors is not None else None, "agency": name}
    return _page(
        request,
        "data_list.html",
        {
            "nav": "data",
            "rows": rows,
            "total": total,
            "summary": summary,
            "f": keep,
            "levels": LEVEL_ZH,
            "page": number_,
            "pages": max(1, -(-total // PAGE)),
            "query": query,
            "api_query": query(**{k: v for k, v in keep.items() if k != "errors"}, with_errors=with_errors),
        },
    )


@router.get("/data/reports/{report_id}", response_class=HTMLResponse)
def report_page(request: Request, report_id: str) -> Response:
    if (none := _no_db(request, "data")) is not None:
        return none
    with connect(request) as store:
        found = store.get_report(report_id) if report_id.isalnum() else None
    if found is None:
        raise ApiError(404, "not_found", f"no stored report {report_id}")
    report = Report.model_validate(found["report"])
    findings = [Finding.model_validate(f) for f in found["findings"]]
    view = review_view(report, findings, name=found["file"])
    return _page(request, "data_report.html", {"nav": "data", "v": view, "id": report_id, "agency_key": None})


@router.get("/data/agency/{agency_key:path}", response_class=HTMLResponse)
def agency_page(request: Request, agency_key: str) -> Response:
    if (none := _no_db(request, "data")) is not None:
        return none
    with connect(request) as store:
        try:
            series = compare(store, agency_key)
        except AgencyNotFound as exc:
            raise ApiError(404, "not_found", str(exc)) from None
    years = series["years"]
    chart = line_chart(
        [(str(y["year"]), y["t3.new.total"]) for y in years if y["year"] is not None],
        "本年新收政府信息公开申请数量",
    )
    rate = line_chart(
        [(str(y["year"]), y["disclosure_rate"]) for y in years if y["year"] is not None],
        "公开率（予以公开与部分公开占办理总数）",
        fmt=percent,
    )
    return _page(
        request,
        "agency.html",
        {
            "nav": "data",
            "s": series,
            "chart": chart,
            "rate_chart": rate,
            "totals": MAIN_TOTALS,
            "metrics": METRICS,
            "levels": LEVEL_ZH,
            "csv": "/api/v1/compare?" + query(agency=series["agency"]["agency_key"], format="csv"),
        },
    )


def _ranking(
    store: Store, by: str, metric: str, filters: dict[str, Any], min_group: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rows = stats(store, by, metric, min_group=min_group, **filters)
    ranked = [r for r in rows if r.get("rank") is not None]
    small = [r for r in rows if r.get("rank") is None]
    return ranked, small


@router.get("/data/dashboard", response_class=HTMLResponse)
def dashboard(
    request: Request,
    region: str | None = None,
    year: str | None = None,
    level: str | None = None,
    metric: str | None = None,
    by: str | None = None,
    min_group: str | None = None,
) -> Response:
    if (none := _no_db(request, "dashboard")) is not None:
        return none
    f = _filters(region, year, level)
    chosen = _choice(metric, METRICS, "disclosure_rate") or "disclosure_rate"
    rank_by = _choice(by, RANK_BY, "province") or "province"
    group = _int(min_group, "min_group", 1, 10000) or DEFAULT_MIN_GROUP
    m = METRICS[chosen]
    roster = request.app.state.settings.roster_path
    with connect(request) as store:
        handled = outcomes(store, **f)
        trend = stats(store, "year", region=f["region"], level=f["level"])
        ranked, small = _ranking(store, rank_by, chosen, f, group)
        cover = coverage(store, roster, f["year"], region=f["region"]) if roster is not None else None
    label = (
        (lambda r: LEVEL_ZH.get(r["level"], r["level"] or "不详"))
        if rank_by == "level"
        else (lambda r: r[rank_by] or "（不详）")
    )
    charts = {
        "outcomes": bar_chart(
            [
                Bar(
                    r["name"],
                    r["applications"],
                    f"（{percent(r['share'])}）" if r["share"] is not None else "",
                )
                for r in handled
            ],
            "申请办理结果",
        )
        if handled
        else None,
        "trend": line_chart(
            [(str(r["year"]), r["t3.new.total"]) for r in trend if r["year"] is not None], "本年新收申请数"
        )
        if trend
        else None,
        "reports": bar_chart(
            [Bar(f"{r['year']}年", r["reports"], alt=True) for r in trend if r["year"] is not None], "报告数"
        )
        if trend
        else None,
        "ranking": bar_chart(
            [Bar(f"{r['rank']}. {label(r)}", r[chosen], f"（{r['reports']}份）") for r in ranked],
            m.name,
            fmt=percent,
        )
        if ranked
        else None,
        "coverage": bar_chart(
            [Bar("已报送", cover["found"]), Bar("未报送", cover["missing"], alt=True)], "名册覆盖情况"
        )
        if cover
        else None,
    }
    keep = {**f, "metric": chosen, "by": rank_by, "min_group": group}
    csv = {
        "outcomes": "/api/v1/stats/outcomes?" + query(**f, format="csv"),
        "trend": "/api/v1/stats?" + query(by="year", region=f["region"], level=f["level"], format="csv"),
        "ranking": "/api/v1/stats?" + query(by=rank_by, metric=chosen, min_group=group, **f, format="csv"),
        "coverage": "/api/v1/coverage?" + query(year=f["year"], region=f["region"], format="csv"),
    }
    return _page(
        request,
        "dashboard.html",
        {
            "nav": "dashboard",
            "charts": charts,
            "csv": csv,
            "f": keep,
            "levels": LEVEL_ZH,
            "metrics": METRICS,
            "rank_by": RANK_BY,
            "metric": m,
            "small": small,
            "label": label,
            "cover": cover,
            "roster": roster is not None,
            "number": number,
            "trend_rows": trend,
        },
    )


@router.post("/data/coverage", response_class=HTMLResponse, dependencies=[Depends(require_token)])
def coverage_fragment(
    request: Request,
    roster: Annotated[UploadFile, File()],
    year: Annotated[str | None, Form()] = None,
) -> Response:
    """An uploaded roster against the store, as the dashboard's coverage section (an HTML fragment)."""
    bodies = uploaded_roster(roster)
    wanted = _int(year, "year", 1990, 2100)
    with connect(request) as store:
        try:
            cover = coverage(store, bodies, wanted)
        except ReadError as exc:
            raise ApiError(422, "unreadable", exc.reason) from None
    chart = bar_chart(
        [Bar("已报送", cover["found"]), Bar("未报送", cover["missing"], alt=True)], "名册覆盖情况"
    )
    return _page(request, "_coverage.html", {"cover": cover, "chart": chart, "csv": None})
