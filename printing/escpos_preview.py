"""A picture of what a thermal printer prints for a printout, for the docs and for eyeballing.

It follows the ESC/POS renderer block by block: font A text on its column grid, the queue
number and (raster) QR code as the same images the printer gets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from printing import layout as lay
from printing.content import Printout
from printing.escpos_render import PROFILES, _lines, big_number_image
from printing.fonts import BOLD, REGULAR, pillow_font, pillow_lock
from printing.qr import qr_image

if TYPE_CHECKING:
    from PIL.Image import Image


def escpos_preview(content: Printout, profile: str = "80mm") -> Image:
    from PIL import Image as PILImage
    from PIL import ImageDraw

    paper = PROFILES[profile]
    cell = paper.dots // paper.columns  # 12 dots per column, as font A
    parts: list[Image] = []
    for block in lay.layout(content):
        if isinstance(block, lay.BigNumber):
            parts.append(big_number_image(block.text, paper.dots, paper.big_px).convert("L"))
            continue
        if isinstance(block, lay.QRCode):
            qr = qr_image(block.data, paper.qr_module)
            canvas = PILImage.new("L", (paper.dots, qr.height), 255)
            canvas.paste(qr.convert("L"), ((paper.dots - qr.width) // 2, 0))
            parts.append(canvas)
        heading = isinstance(block, lay.Text) and block.style in ("title", "heading")
        bold = (isinstance(block, lay.Text) and block.bold) or (
            isinstance(block, lay.Field) and block.bold
        )
        row_h = 48 if heading else 24
        for line, centre in _lines(paper, block):
            img = PILImage.new("L", (paper.dots, row_h), 255)
            draw = ImageDraw.Draw(img)
            with pillow_lock:
                font = pillow_font(BOLD if bold else REGULAR, 18)
                start = (paper.columns - len(line)) // 2 if centre else 0
                for i, ch in enumerate(line):
                    if heading:
                        glyph = PILImage.new("L", (cell, 24), 255)
                        ImageDraw.Draw(glyph).text((0, 1), ch, font=font, fill=0)
                        img.paste(glyph.resize((cell, 48)), ((start + i) * cell, 0))
                    else:
                        draw.text(((start + i) * cell, 1), ch, font=font, fill=0)
            parts.append(img)
        if isinstance(block, lay.Spacer):
            parts.append(PILImage.new("L", (paper.dots, 24), 255))
    height = sum(p.height for p in parts) + 48
    sheet = PILImage.new("L", (paper.dots + 32, height), 255)
    y = 24
    for p in parts:
        sheet.paste(p, (16, y))
        y += p.height
    return sheet
