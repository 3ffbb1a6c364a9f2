"""The 审核 (review) pages: the drop zone, and one review panel per uploaded report.

The page script posts each dropped file to ``POST /review`` and inserts the panel it gets back; the panel
is drawn here, by a template with autoescaping, so the report's own text is only ever text. The script
keeps the file to ask for downloads (``/api/v1/check?format=…``) and page crops (``/api/v1/crop``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from xxgk.web.api_review import FileField, Ocr, OcrField, checked
from xxgk.web.review import review_view
from xxgk.web.security import require_token
from xxgk.web.templating import templates

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def review_page(request: Request) -> Response:
    settings = request.app.state.settings
    return templates().TemplateResponse(
        request,
        "review.html",
        {
            "token_required": settings.token is not None,
            "max_upload_mb": settings.max_upload_bytes // 2**20,
            "database": settings.db_path is not None,
            "nav": "review",
        },
    )


@router.post("/review", response_class=HTMLResponse, dependencies=[Depends(require_token)])
def review_panel(
    request: Request,
    file: FileField,
    previous: Annotated[UploadFile | None, File()] = None,
    ocr: OcrField = Ocr.auto,
) -> Response:
    """One report's review panel (an HTML fragment); errors come back in the API's JSON shape."""
    upload, report, findings = checked(request, file, previous, ocr)
    view = review_view(report, findings, name=upload.name)
    return templates().TemplateResponse(request, "_panel.html", {"v": view})
