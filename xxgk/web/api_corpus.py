"""``/api/v1``: the corpus — reports with filters, one report, agencies, series, statistics, coverage, export.

Thin over ``xxgk.corpus``: each endpoint calls one library function on a read-only store and returns its
dicts (``format=csv`` gives the same rows as a table). Without ``--db`` these answer 503 ``no_database``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, Response
from starlette.background import BackgroundTask

from xxgk.corpus import Store
from xxgk.corpus.compare import AgencyNotFound, compare, parse_years
from xxgk.corpus.coverage import coverage, read_roster
from xxgk.corpus.export import FORMATS, export
from xxgk.corpus.metrics import METRICS
from xxgk.corpus.queries import LEVELS
from xxgk.corpus.stats import DEFAULT_MIN_GROUP, stats
from xxgk.errors import ReadError
from xxgk.model.finding import Finding
from xxgk.model.report import Report
from xxgk.web.api_review import XLSX, CheckFormat, attachment, review_response
from xxgk.web.corpus_data import open_store, outcomes, to_csv
from xxgk.web.errors import ApiError
from xxgk.web.security import require_token
from xxgk.web.uploads import safe_name

router = APIRouter(prefix="/api/v1", tags=["数据 corpus"])
StoreDep = Annotated[Store, Depends(open_store)]
MAX_ROSTER = 2 * 2**20


class TableFormat(StrEnum):
    json = "json"
    csv = "csv"


YearQ = Annotated[int | None, Query(ge=1990, le=2100, description="report year")]
RegionQ = Annotated[
    str | None, Query(max_length=40, description="province, city or county name, or division code")
]
LevelQ = Annotated[str | None, Query(pattern=f"^({'|'.join(LEVELS)})$", description=" | ".join(LEVELS))]
FormatQ = Annotated[TableFormat, Query(description="json (default) or csv")]


def csv_response(rows: list[dict[str, Any]], name: str, columns: list[str] | None = None) -> Response:
    return Response(
        to_csv(rows, columns),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": attachment(name)},
    )


@router.get("/reports", summary="Stored reports, filtered and paged: {total, limit, offset, items}")
def reports(
    store: StoreDep,
    region: RegionQ = None,
    year: YearQ = None,
    level: LevelQ = None,
    with_errors: Annotated[
        bool | None, Query(description="true: only reports with errors; false: only without")
    ] = None,
    agency: Annotated[str | None, Query(max_length=80, description="agency key or part of a name")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    chosen: dict[str, Any] = {
        "region": region,
        "year": year,
        "level": level,
        "with_errors": with_errors,
        "agency": agency,
    }
    return {
        "total": store.count_reports(**chosen),
        "limit": limit,
        "offset": offset,
        "items": store.list_reports(**chosen, limit=limit, offset=offset),
    }


@router.get(
    "/reports/{report_id}",
    summary="One stored report: {id, file, report, findings} as JSON, or its review as XLSX or a printable sheet",
)
def report(
    store: StoreDep,
    report_id: Annotated[str, PathParam(pattern=r"^[0-9a-f]{4,64}$")],
    format: Annotated[CheckFormat, Query(description="json (default), xlsx or html")] = CheckFormat.json,
) -> Any:
    found = store.get_report(report_id)
    if found is None:
        raise ApiError(404, "not_found", f"no stored report {report_id}")
    if format is CheckFormat.json:
        return found
    report = Report.model_validate(found["report"])
    findings = [Finding.model_validate(f) for f in found["findings"]]
    return review_response(report, findings, safe_name(found["file"]), format)


@router.get("/agencies", summary="Agencies whose key, name, alias or printed name contains `name`")
def agencies(
    store: StoreDep, name: Annotated[str, Query(min_length=1, max_length=80)]
) -> list[dict[str, Any]]:
    return store.find_agencies(name)


@router.get(
    "/agencies/{agency_key:path}",
    summary="One agency: names, region, aliases, reports by year, history findings",
)
def agency(store: StoreDep, agency_key: str) -> dict[str, Any]:
    found = store.agency(agency_key)
    if found is None:
        raise ApiError(404, "not_found", f"no stored agency {agency_key!r}")
    return found


@router.get("/compare", summary="One agency year by year: totals, metrics, changes, jumps, history findings")
def compare_endpoint(
    store: StoreDep,
    agency: Annotated[str, Query(min_length=1, max_length=80, description="agency key or part of a name")],
    years: Annotated[str | None, Query(max_length=40, description="2021-2024, 2021,2023 or 2024")] = None,
    format: FormatQ = TableFormat.json,
) -> Any:
    try:
        wanted = parse_years(years) if years else None
        result = compare(store, agency, wanted)
    except AgencyNotFound as exc:
        raise ApiError(404, "not_found", str(exc)) from None
    except ValueError as exc:
        raise ApiError(422, "invalid", str(exc)) from None
    if format is TableFormat.csv:
        return csv_response(result["years"], "compare.csv")
    return result


@router.get("/stats", summary="Totals and metrics by region, level or year, ranked with a minimum group size")
def stats_endpoint(
    store: StoreDep,
    by: Annotated[
        str, Query(max_length=60, description="province, city, county, level, year (comma-separated)")
    ] = "province",
    metric: Annotated[
        str | None, Query(max_length=40, description="a metric id or Chinese name (ranks by it)")
    ] = None,
    year: YearQ = None,
    region: RegionQ = None,
    level: LevelQ = None,
    min_group: Annotated[int, Query(ge=1, le=10000)] = DEFAULT_MIN_GROUP,
    format: FormatQ = TableFormat.json,
) -> Any:
    try:
        rows = stats(store, by, metric, year=year, region=region, level=level, min_group=min_group)
    except ValueError as exc:
        raise ApiError(422, "invalid", str(exc)) from None
    if format is TableFormat.csv:
        return csv_response(rows, "stats.csv")
    return {"by": by, "metric": metric, "min_group": min_group, "rows": rows}


@router.get("/stats/outcomes", summary="Applications handled by outcome (予以公开 … 其他处理)")
def outcomes_endpoint(
    store: StoreDep,
    year: YearQ = None,
    region: RegionQ = None,
    level: LevelQ = None,
    format: FormatQ = TableFormat.json,
) -> Any:
    rows = outcomes(store, year=year, region=region, level=level)
    return csv_response(rows, "outcomes.csv") if format is TableFormat.csv else rows


@router.get("/metrics", summary="The derived metrics: id, Chinese name, numerator and denominator cells")
def metrics() -> list[dict[str, Any]]:
    return [
        {
            "id": m.id,
            "name": m.name,
            "numerator": list(m.numerator),
            "denominator": list(m.denominator),
            "unit": m.unit,
            "doc": m.doc,
        }
        for m in METRICS.values()
    ]


def coverage_response(result: dict[str, Any], format: TableFormat) -> Any:
    if format is TableFormat.csv:
        return csv_response(
            result["bodies"],
            "coverage.csv",
            ["line", "name", "region", "code", "status", "agency_key", "reports"],
        )
    return result


@router.get(
    "/coverage", summary="The server's roster (xxgk serve --roster) against the store: found and missing"
)
def coverage_endpoint(
    request: Request,
    store: StoreDep,
    year: YearQ = None,
    region: RegionQ = None,
    format: FormatQ = TableFormat.json,
) -> Any:
    roster = request.app.state.settings.roster_path
    if roster is None:
        raise ApiError(
            404, "no_roster", "this server has no roster (start it with --roster FILE, or POST one)"
        )
    try:
        return coverage_response(coverage(store, roster, year, region=region), format)
    except ReadError as exc:
        raise ApiError(503, "unavailable", f"the server's roster cannot be read: {exc.reason}") from None


def uploaded_roster(upload: UploadFile) -> list[Any]:
    """The bodies of an uploaded roster CSV, read through a temporary file whose name the server picks."""
    name = safe_name(upload.filename)
    data = upload.file.read(MAX_ROSTER + 1)
    if len(data) > MAX_ROSTER:
        raise ApiError(413, "too_large", f"cannot read {name}: a roster over {MAX_ROSTER // 2**20} MiB")
    fd, tmp = tempfile.mkstemp(prefix="xxgk-roster-", suffix=".csv")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        return read_roster(Path(tmp))
    except ReadError as exc:
        raise ApiError(422, "unreadable", f"cannot read {name}: {exc.reason}") from None
    finally:
        os.unlink(tmp)


@router.post(
    "/coverage", dependencies=[Depends(require_token)], summary="An uploaded roster CSV against the store"
)
def coverage_upload(
    store: StoreDep,
    roster: Annotated[UploadFile, File(description="CSV: name[,region|code], optional header")],
    year: Annotated[int | None, Form(ge=1990, le=2100)] = None,
    region: Annotated[str | None, Form(max_length=40)] = None,
    format: FormatQ = TableFormat.json,
) -> Any:
    return coverage_response(coverage(store, uploaded_roster(roster), year, region=region), format)


@router.get("/export", summary="Every current report (identity + 200 cells) and every finding, as files")
def export_endpoint(
    store: StoreDep,
    fmt: Annotated[str, Query(pattern=f"^({'|'.join(FORMATS)})$", description=" | ".join(FORMATS))],
) -> FileResponse:
    """xlsx comes as one workbook; csv, parquet and json as a zip of reports.* and findings.*."""
    folder = Path(tempfile.mkdtemp(prefix="xxgk-export-"))
    cleanup = BackgroundTask(shutil.rmtree, folder, ignore_errors=True)
    try:
        files = export(store, fmt, folder / "out")
        if fmt == "xlsx":
            return FileResponse(
                files[0],
                media_type=XLSX,
                filename="xxgk-export.xlsx",
                background=cleanup,
            )
        bundle = folder / "export.zip"
        with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as z:
            for f in files:
                z.write(f, f.name)
        return FileResponse(
            bundle, media_type="application/zip", filename=f"xxgk-export-{fmt}.zip", background=cleanup
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
