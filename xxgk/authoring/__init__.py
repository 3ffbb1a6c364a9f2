"""Writing reports: the fill-in workbook (``xxgk new``) and the report rendered from data (``xxgk render``).

draft = load(path)                       # workbook / YAML / interchange JSON / any report → Draft
result = render_draft(draft, ["docx"])   # checks first; refuses (result.refused) on error findings
"""

from xxgk.authoring.atomic import write_atomic
from xxgk.authoring.draft import Draft
from xxgk.authoring.prefill import Prefill, prefill_from
from xxgk.authoring.read import load, load_bytes
from xxgk.authoring.render import FORMATS, Rendered, RenderError, render_bytes, render_draft, review
from xxgk.authoring.workbook import new_workbook

__all__ = [
    "FORMATS",
    "Draft",
    "Prefill",
    "RenderError",
    "Rendered",
    "load",
    "load_bytes",
    "new_workbook",
    "prefill_from",
    "render_bytes",
    "render_draft",
    "review",
    "write_atomic",
]
