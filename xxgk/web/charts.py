"""Charts drawn on the server as SVG: no chart library, no script, nothing fetched.

Two shapes cover the dashboards: horizontal bars (outcomes, rankings, coverage — the labels are long
Chinese names, which read best on the left of a bar) and a line over years (trends, one agency's
series). Every label and number is escaped; colours and fonts come from the style sheet's classes, so
the SVG carries no inline style (the Content-Security-Policy allows none).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

Fmt = Callable[[float], str]
CHAR_PX = 12.5  # the width of one CJK character at the 12 px the style sheet sets; Latin is about half


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    note: str = ""  # shown after the value, e.g. "（样本不足）"
    alt: bool = False  # drawn in the second colour


def text_width(text: str) -> float:
    return sum(CHAR_PX if ord(ch) > 0x2E80 else CHAR_PX * 0.55 for ch in text)


def number(v: float) -> str:
    return f"{int(v):,}" if float(v).is_integer() else f"{v:,.2f}"


def percent(v: float) -> str:
    return f"{v * 100:.1f}%"


def _nice_max(v: float) -> float:
    if v <= 0:
        return 1.0
    step = 10 ** math.floor(math.log10(v))
    for m in (1, 2, 2.5, 5, 10):
        if v <= m * step:
            return m * step
    return 10 * step


def _svg(width: float, height: float, title: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def bar_chart(bars: Sequence[Bar], title: str, *, fmt: Fmt = number, width: int = 720) -> Markup:
    """Horizontal bars, one per row, labelled on the left, the value at the bar's end."""
    row, top = 24, 8
    label_w = min(max((text_width(b.label) for b in bars), default=40) + 12, width * 0.45)
    value_w = max((text_width(fmt(b.value) + b.note) for b in bars if b.value is not None), default=40) + 16
    plot = max(width - label_w - value_w, 80)
    top_value = _nice_max(max((b.value or 0 for b in bars), default=0))
    height = top + row * max(len(bars), 1) + 8
    body = [f'<line class="axis" x1="{label_w:.1f}" y1="{top}" x2="{label_w:.1f}" y2="{height - 8}"/>']
    for i, b in enumerate(bars):
        y = top + i * row
        label = b.label if text_width(b.label) <= label_w - 12 else _clip(b.label, label_w - 12)
        body.append(
            f'<text x="{label_w - 6:.1f}" y="{y + row * 0.65:.1f}" text-anchor="end">{escape(label)}</text>'
        )
        if b.value is None:
            body.append(f'<text x="{label_w + 6:.1f}" y="{y + row * 0.65:.1f}">无数据{escape(b.note)}</text>')
            continue
        w = plot * max(b.value, 0) / top_value
        cls = "bar alt" if b.alt else "bar"
        body.append(f'<rect class="{cls}" x="{label_w:.1f}" y="{y + 4}" width="{w:.1f}" height="{row - 8}"/>')
        body.append(
            f'<text x="{label_w + w + 6:.1f}" y="{y + row * 0.65:.1f}">{escape(fmt(b.value) + b.note)}</text>'
        )
    return _svg(width, height, title, body)


def _clip(label: str, room: float) -> str:
    out = ""
    for ch in label:
        if text_width(out + ch + "…") > room:
            return out + "…"
        out += ch
    return out


def line_chart(
    points: Sequence[tuple[str, float | None]],
    title: str,
    *,
    fmt: Fmt = number,
    width: int = 720,
    height: int = 240,
) -> Markup:
    """One series over ordered x labels (years); a null leaves a gap, each point carries its value."""
    left, right, top, bottom = 64, 24, 16, 36
    values = [v for _, v in points if v is not None]
    lo = min(0.0, min(values, default=0.0))
    hi = _nice_max(max(values, default=0.0))
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(points) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        x = left + (i * step if len(points) > 1 else plot_w / 2)
        return x, top + plot_h * (1 - (v - lo) / ((hi - lo) or 1))

    body = []
    for k in range(5):  # four grid lines and the axis, labelled
        tick = lo + (hi - lo) * k / 4
        y = xy(0, tick)[1]
        body.append(
            f'<line class="{"axis" if k == 0 else "grid"}" x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}"/>'
        )
        body.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(fmt(tick))}</text>')
    run: list[str] = []
    for i, (label, v) in enumerate(points):
        x = xy(i, 0)[0]
        body.append(f'<text x="{x:.1f}" y="{height - 12}" text-anchor="middle">{escape(label)}</text>')
        if v is None:
            if len(run) > 1:
                body.append(f'<polyline class="line" points="{" ".join(run)}"/>')
            run = []
            continue
        px, py = xy(i, float(v))
        run.append(f"{px:.1f},{py:.1f}")
        body.append(f'<circle class="dot" cx="{px:.1f}" cy="{py:.1f}" r="3.5"/>')
        body.append(f'<text x="{px:.1f}" y="{py - 8:.1f}" text-anchor="middle">{escape(fmt(v))}</text>')
    if len(run) > 1:
        body.append(f'<polyline class="line" points="{" ".join(run)}"/>')
    return _svg(width, height, title, body)
