"""PDF rendering with reportlab: 58 mm and 80 mm roll paper (page as long as the content) and A4."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from printing import layout as lay
from printing.content import DayReportRow, Printout
from printing.fonts import BOLD, REGULAR, register_pdf_fonts
from printing.qr import QUIET_ZONE, qr_runs

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

Paper = Literal["58mm", "80mm", "a4"]
MM = 72.0 / 25.4
GREY = 0.35


@dataclass(frozen=True, slots=True)
class _Page:
    width: float
    margin: float
    sizes: dict[str, float]
    big: float
    qr: float
    roll: bool


_PAGES: dict[str, _Page] = {
    "58mm": _Page(
        58 * MM, 4 * MM, {"title": 12, "heading": 10, "body": 8, "small": 6.8}, 40, 26 * MM, True
    ),
    "80mm": _Page(
        80 * MM, 5 * MM, {"title": 14, "heading": 12, "body": 9.5, "small": 7.8}, 54, 32 * MM, True
    ),
    "a4": _Page(
        210 * MM,
        15 * MM,
        {"title": 18, "heading": 13, "body": 10.5, "small": 8.5},
        72,
        35 * MM,
        False,
    ),
}
A4_HEIGHT = 297 * MM

Draw = Callable[["Canvas", float, float], None]  # canvas, x of the left margin, y of the top


def render_pdf(content: Printout, paper: str = "80mm") -> bytes:
    """The printout as a PDF document. Roll paper gets one page exactly as long as the content."""
    if paper not in _PAGES:
        raise ValueError(f"paper must be one of {sorted(_PAGES)}, not {paper!r}")
    register_pdf_fonts()
    from reportlab.pdfgen.canvas import Canvas

    page = _PAGES[paper]
    items = _Composer(page).compose(lay.layout(content))
    buf = io.BytesIO()
    if page.roll:
        height = sum(h for h, _ in items) + 2 * page.margin
        canvas = Canvas(buf, pagesize=(page.width, height), invariant=True)
        _meta(canvas, content)
        y = height - page.margin
        for h, draw in items:
            draw(canvas, page.margin, y)
            y -= h
    else:
        canvas = Canvas(buf, pagesize=(page.width, A4_HEIGHT), invariant=True)
        _meta(canvas, content)
        y = A4_HEIGHT - page.margin
        for h, draw in items:
            if y - h < page.margin:
                canvas.showPage()
                y = A4_HEIGHT - page.margin
            draw(canvas, page.margin, y)
            y -= h
    canvas.showPage()
    canvas.save()
    return buf.getvalue()


def _meta(canvas: Canvas, content: Printout) -> None:
    canvas.setTitle(type(content).__name__)
    canvas.setAuthor("PPP Kiosk")
    canvas.setCreator("PPP Kiosk")


class _Composer:
    """Turns layout blocks into (height, draw) items for one paper size."""

    def __init__(self, page: _Page) -> None:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        self.page = page
        self.width = page.width - 2 * page.margin
        self.width_of = stringWidth

    def size(self, style: str) -> float:
        return self.page.sizes[style]

    def compose(self, blocks: list[lay.Block]) -> list[tuple[float, Draw]]:
        items: list[tuple[float, Draw]] = []
        for block in blocks:
            items += self.block(block)
        return items

    def block(self, b: lay.Block) -> list[tuple[float, Draw]]:
        if isinstance(b, lay.Text):
            return self.text(b.text, b.style, b.bold, b.center)
        if isinstance(b, lay.BigNumber):
            return [self.big_number(b.text)]
        if isinstance(b, lay.Field):
            return self.field(b)
        if isinstance(b, lay.Bullet):
            return self.bullet(b)
        if isinstance(b, lay.Rule):
            return [self.rule()]
        if isinstance(b, lay.Spacer):
            return [(b.lines * self.size("body") * 1.3, _nothing)]
        if isinstance(b, lay.QRCode):
            return self.qr(b)
        if isinstance(b, lay.ReportTable):
            if self.page.roll:
                return self.report_on_roll(b)
            return self.report_table(b)
        raise TypeError(type(b).__name__)

    def text(
        self,
        text: str,
        style: str,
        bold: bool = False,
        center: bool = False,
        indent: float = 0.0,
        grey: bool = False,
    ) -> list[tuple[float, Draw]]:
        from reportlab.lib.utils import simpleSplit

        font = BOLD if bold else REGULAR
        size = self.size(style)
        leading = size * 1.28
        lines = simpleSplit(text, font, size, self.width - indent) or [""]
        items: list[tuple[float, Draw]] = []
        for line in lines:

            def draw(c: Canvas, x: float, y: float, line: str = line) -> None:
                c.setFont(font, size)
                if grey:
                    c.setFillGray(GREY)
                baseline = y - size * 0.95
                if center:
                    c.drawCentredString(x + self.width / 2, baseline, line)
                else:
                    c.drawString(x + indent, baseline, line)
                if grey:
                    c.setFillGray(0)

            items.append((leading, draw))
        return items

    def big_number(self, text: str) -> tuple[float, Draw]:
        size = min(
            self.page.big,
            self.page.big * self.width * 0.92 / self.width_of(text, BOLD, self.page.big),
        )

        def draw(c: Canvas, x: float, y: float) -> None:
            c.setFont(BOLD, size)
            c.drawCentredString(x + self.width / 2, y - size * 0.86, text)

        return size * 1.08, draw

    def field(self, f: lay.Field) -> list[tuple[float, Draw]]:
        size = self.size("body")
        value_font = BOLD if f.bold else REGULAR
        label_w = self.width_of(f.label, REGULAR, size)
        value_w = self.width_of(f.value, value_font, size)
        if label_w + value_w + size <= self.width:

            def draw(c: Canvas, x: float, y: float) -> None:
                baseline = y - size * 0.95
                c.setFont(REGULAR, size)
                c.drawString(x, baseline, f.label)
                c.setFont(value_font, size)
                c.drawRightString(x + self.width, baseline, f.value)

            return [(size * 1.35, draw)]
        return [
            *self.text(f.label, "body"),
            *self.text(f.value, "body", bold=f.bold, indent=size),
        ]

    def bullet(self, b: lay.Bullet) -> list[tuple[float, Draw]]:
        size = self.size("body")
        indent = size * 1.1
        items = self.text(b.text, "body", indent=indent)
        first_h, first_draw = items[0]

        def draw(c: Canvas, x: float, y: float) -> None:
            c.setFont(REGULAR, size)
            c.drawString(x + size * 0.2, y - size * 0.95, "•")
            first_draw(c, x, y)

        items[0] = (first_h, draw)
        if b.sub:
            items += self.text(b.sub, "small", indent=indent, grey=True)
        return items

    def rule(self) -> tuple[float, Draw]:
        gap = self.size("body") * 0.7

        def draw(c: Canvas, x: float, y: float) -> None:
            c.setLineWidth(0.6)
            c.setDash(2, 2)
            c.line(x, y - gap, x + self.width, y - gap)
            c.setDash()

        return 2 * gap, draw

    def qr(self, q: lay.QRCode) -> list[tuple[float, Draw]]:
        modules, runs = qr_runs(q.data)
        side = self.page.qr
        unit = side / (modules + 2 * QUIET_ZONE)

        def draw(c: Canvas, x: float, y: float) -> None:
            left = x + (self.width - side) / 2 + QUIET_ZONE * unit
            top = y - QUIET_ZONE * unit
            path = c.beginPath()
            for row, col, length in runs:
                path.rect(left + col * unit, top - (row + 1) * unit, length * unit, unit)
            c.setFillGray(0)
            c.drawPath(path, stroke=0, fill=1)

        items: list[tuple[float, Draw]] = [(side, draw)]
        if q.caption:
            items += self.text(q.caption, "small", center=True)
        return items

    # -- the day report -------------------------------------------------------------------

    def report_on_roll(self, t: lay.ReportTable) -> list[tuple[float, Draw]]:
        items: list[tuple[float, Draw]] = []
        for row in (*t.rows, t.totals):
            bold = row is t.totals
            items += self.text(row.service_name.id, "body", bold=True)
            for line in report_row_lines(row):
                items += self.text(line, "small", indent=self.size("body"), bold=bold and False)
            items.append(self.rule())
        return items

    def report_table(self, t: lay.ReportTable) -> list[tuple[float, Draw]]:
        first = self.width * 0.34
        rest = (self.width - first) / (len(t.columns) - 1)
        widths = [first] + [rest] * (len(t.columns) - 1)
        body, small = self.size("body"), self.size("small")
        pad = small * 0.5
        row_h = body * 1.25 + small * 1.2 + 2 * pad

        from reportlab.lib.utils import simpleSplit

        head_lines = [
            (
                simpleSplit(col.id, BOLD, small, w - 2 * pad),
                simpleSplit(col.en, REGULAR, small * 0.92, w - 2 * pad),
            )
            for col, w in zip(t.columns, widths, strict=True)
        ]
        head_h = 2 * pad + small * 1.2 * max(len(a) + len(b) for a, b in head_lines)

        def header(c: Canvas, x: float, y: float) -> None:
            c.setFillGray(0.9)
            c.rect(x, y - head_h, self.width, head_h, stroke=0, fill=1)
            cx = x
            for i, ((ids, ens), w) in enumerate(zip(head_lines, widths, strict=True)):
                baseline = y - pad - small * 0.95
                for line, font, grey in [(s, BOLD, 0) for s in ids] + [
                    (s, REGULAR, GREY) for s in ens
                ]:
                    c.setFillGray(grey)
                    c.setFont(font, small if font == BOLD else small * 0.92)
                    if i > 0:
                        c.drawRightString(cx + w - pad, baseline, line)
                    else:
                        c.drawString(cx + pad, baseline, line)
                    baseline -= small * 1.2
                cx += w
            c.setFillGray(0)

        def draw_cell(
            c: Canvas,
            x: float,
            y: float,
            w: float,
            top: str,
            sub: str,
            *,
            bold: bool,
            right: bool,
            size: float,
        ) -> None:
            c.setFont(BOLD if bold else REGULAR, size)
            baseline = y - pad - size * 0.95
            if right:
                c.drawRightString(x + w - pad, baseline, top)
            else:
                c.drawString(x + pad, baseline, top)
            if sub:
                c.setFont(REGULAR, small * 0.92)
                c.setFillGray(GREY)
                sub_base = baseline - size * 1.25
                if right:
                    c.drawRightString(x + w - pad, sub_base, sub)
                else:
                    c.drawString(x + pad, sub_base, sub)
                c.setFillGray(0)

        def row_draw(row: DayReportRow, bold: bool) -> Draw:
            values = report_row_values(row)

            def draw(c: Canvas, x: float, y: float) -> None:
                c.setLineWidth(1.0 if bold else 0.4)
                c.line(x, y, x + self.width, y)
                name = row.service_name
                draw_cell(
                    c,
                    x,
                    y,
                    widths[0],
                    _fit(name.id, widths[0] - 2 * pad, body, self.width_of, bold),
                    name.en,
                    bold=bold,
                    right=False,
                    size=body,
                )
                cx = x + widths[0]
                for value, w in zip(values, widths[1:], strict=True):
                    draw_cell(c, cx, y, w, value, "", bold=bold, right=True, size=body)
                    cx += w

            return draw

        items: list[tuple[float, Draw]] = [(head_h, header)]
        items += [(row_h, row_draw(r, False)) for r in t.rows]
        items.append((row_h, row_draw(t.totals, True)))
        return items


def _fit(text: str, width: float, size: float, width_of: Callable[..., float], bold: bool) -> str:
    font = BOLD if bold else REGULAR
    if width_of(text, font, size) <= width:
        return text
    while text and width_of(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _nothing(c: Canvas, x: float, y: float) -> None:
    return None


def minutes(value: float | None) -> str:
    """Minutes the Indonesian way (decimal comma), or a dash when there is no figure."""
    return "–" if value is None else f"{value:.1f}".replace(".", ",")


def report_row_values(row: DayReportRow) -> list[str]:
    return [
        str(row.issued),
        str(row.served),
        str(row.no_show),
        str(row.void),
        minutes(row.mean_wait_min),
        minutes(row.p90_wait_min),
        minutes(row.mean_service_min),
    ]


def report_row_lines(row: DayReportRow) -> list[str]:
    """A report row as two short lines, for roll paper."""
    return [
        f"Terbit {row.issued} · Dilayani {row.served} · Absen {row.no_show} · Batal {row.void}",
        f"Tunggu {minutes(row.mean_wait_min)} (P90 {minutes(row.p90_wait_min)}) · "
        f"Layanan {minutes(row.mean_service_min)} mnt",
    ]
