"""``/api/v1``: read and check uploaded reports — the same JSON as ``xxgk parse --json`` / ``check --json``.

``POST /check`` also gives the review as a workbook (``format=xlsx``) or a printable sheet (``format=html``)
for the reporting body; ``POST /crop`` gives the picture of a place on a PDF or image page. Nothing is
stored: the server reads the upload, answers, and forgets it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response

from xxgk import __version__
from xxgk.check import check
from xxgk.crop import crop_png_bytes
from xxgk.model.finding import Finding
from xxgk.model.report import Place, Report
from xxgk.record import check_record, parse_record
from xxgk.rules import RULES
from xxgk.web.errors import ApiError
from xxgk.web.review import review_view
from xxgk.web.security import require_token
from xxgk.web.templating import render
from xxgk.web.uploads import Upload, parse_upload, read_upload
from xxgk.web.workbook import review_xlsx

router = APIRouter(prefix="/api/v1", tags=["审核 review"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A downloaded sheet is a page of its own: its styles are inline, and it may run no script at all.
SHEET_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
)


class Ocr(StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


class CheckFormat(StrEnum):
    json = "json"
    xlsx = "xlsx"
    html = "html"


FileField = Annotated[
    UploadFile, File(description="A report: text, Markdown, HTML, DOCX/DOC/WPS, PDF or image.")
]
OcrField = Annotated[
    Ocr, Form(description="Pages without a text layer: read by OCR (auto), always or never.")
]


def attachment(name: str) -> str:
    """A Content-Disposition that survives Chinese file names (RFC 6266 / 5987)."""
    ascii_name = (
        "".join(ch if (ch.isascii() and ch.isalnum()) or ch in "._-" else "_" for ch in name) or "xxgk"
    )
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def _stem(name: str) -> str:
    return name.rsplit(".", 1)[0] if "." in name else name


def _read(request: Request, file: UploadFile, ocr: Ocr) -> tuple[Upload, Report]:
    settings = request.app.state.settings
    upload = read_upload(file, settings.max_upload_bytes)
    return upload, parse_upload(upload, ocr.value, request.app.state.slots)


@router.post(
    "/parse",
    dependencies=[Depends(require_token)],
    summary="Read one report: the interchange JSON (all 200 cells with their sources)",
)
def parse_endpoint(request: Request, file: FileField, ocr: OcrField = Ocr.auto) -> JSONResponse:
    _, report = _read(request, file, ocr)
    return JSONResponse(parse_record(report))


def checked(
    request: Request, file: UploadFile, previous: UploadFile | None, ocr: Ocr
) -> tuple[Upload, Report, list[Finding]]:
    """Read and check an upload (and last year's report, for the history.* rules, when given)."""
    upload, report = _read(request, file, ocr)
    prev_report = _read(request, previous, ocr)[1] if previous is not None and previous.filename else None
    return upload, report, check(report, prev_report)


@router.post(
    "/check",
    dependencies=[Depends(require_token)],
    summary="Check one report: {report, findings} as JSON, or the review as XLSX or a printable HTML sheet",
    responses={200: {"content": {"application/json": {}, XLSX: {}, "text/html": {}}}},
)
def check_endpoint(
    request: Request,
    file: FileField,
    previous: Annotated[UploadFile | None, File(description="Last year's report of the same body.")] = None,
    ocr: OcrField = Ocr.auto,
    format: Annotated[CheckFormat, Query(description="json (default), xlsx or html")] = CheckFormat.json,
) -> Response:
    upload, report, findings = checked(request, file, previous, ocr)
    return review_response(report, findings, upload.name, format)


def review_response(report: Report, findings: list[Finding], name: str, format: CheckFormat) -> Response:
    """A checked report as JSON (the CLI's shape), the review workbook, or the printable sheet."""
    if format is CheckFormat.json:
        return JSONResponse(check_record(report, findings))
    view = review_view(report, findings, name=name)
    if format is CheckFormat.xlsx:
        return Response(
            review_xlsx(report, view),
            media_type=XLSX,
            headers={"Content-Disposition": attachment(f"{_stem(name)}-审核意见.xlsx")},
        )
    return Response(
        render("sheet.html", v=view),
        media_type="text/html; charset=utf-8",
        headers={
            "Content-Disposition": attachment(f"{_stem(name)}-审核意见.html"),
            "Content-Security-Policy": SHEET_CSP,
        },
    )


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        values = []
    if (
        len(values) != 4
        or not all(0 <= v < 1e5 for v in values)
        or values[2] < values[0]
        or values[3] < values[1]
    ):
        raise ApiError(422, "invalid", "bbox: four numbers x0,y0,x1,y1 with x0≤x1 and y0≤y1")
    return values[0], values[1], values[2], values[3]


@router.post(
    "/crop",
    dependencies=[Depends(require_token)],
    summary="A PDF or image page around a box, the box drawn: where a cell was read",
    responses={200: {"content": {"image/png": {}}}},
)
def crop_endpoint(
    request: Request,
    file: FileField,
    page: Annotated[int, Form(ge=1, le=10000, description="1-based page number")],
    bbox: Annotated[str, Form(description="x0,y0,x1,y1 in PDF points (image pixels)")],
) -> Response:
    settings = request.app.state.settings
    upload = read_upload(file, settings.max_upload_bytes)
    if upload.kind not in ("pdf", "image"):
        raise ApiError(422, "invalid", f"cannot crop {upload.name}: {upload.kind} has no pages to draw")
    place = Place(page=page, bbox=parse_bbox(bbox))
    try:
        with request.app.state.slots.hold():
            png = crop_png_bytes(upload.data, upload.kind, place)
    except ValueError as exc:
        raise ApiError(422, "invalid", f"cannot crop {upload.name}: {exc}") from None
    except Exception as exc:  # a damaged file: pdfium and Pillow raise their own kinds
        raise ApiError(422, "unreadable", f"cannot read {upload.name}: {type(exc).__name__}") from None
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})


@router.get("/health", summary="Version, whether a corpus database is open, the upload limit")
def health(request: Request) -> dict[str, Any]:
    settings = request.app.state.settings
    return {
        "version": __version__,
        "database": settings.db_path is not None,
        "max_upload_bytes": settings.max_upload_bytes,
        "token_required": settings.token is not None,
    }


@router.get("/rules", summary="The rule catalogue: id, severity, Chinese title, when it fires")
def rules() -> list[dict[str, str]]:
    return [{"id": r.id, "severity": r.severity, "title": r.title, "doc": r.doc} for r in RULES.values()]
