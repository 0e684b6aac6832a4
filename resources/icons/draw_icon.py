"""Draws QA Desktop's icon: a clipboard with a checklist and a green tick badge, on a council-blue tile.

Run with any Python that has Pillow (``.venv/bin/python resources/icons/draw_icon.py``); it writes
``qa-desktop.png`` (512 px, also the window's icon: copied to ``qa_desktop/resources/icons``) and
``qa-desktop.ico`` (16 to 256 px, for the Windows executable, its shortcut and the installer).
Drawn at 4x and scaled down, so the edges are smooth at every size.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
SCALE = 4
SIZE = 512
BLUE = (24, 72, 120)
PAPER = (250, 250, 246)
CLIP = (196, 204, 214)
INK = (70, 84, 100)
GREEN = (36, 150, 90)


def draw() -> Image.Image:
    s = SIZE * SCALE
    image = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)

    def box(x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
        return (round(x0 * s), round(y0 * s), round(x1 * s), round(y1 * s))

    pen.rounded_rectangle(box(0.03, 0.03, 0.97, 0.97), radius=round(0.2 * s), fill=BLUE)
    pen.rounded_rectangle(box(0.22, 0.17, 0.78, 0.88), radius=round(0.05 * s), fill=PAPER)  # the board's paper
    pen.rounded_rectangle(box(0.36, 0.11, 0.64, 0.22), radius=round(0.04 * s), fill=CLIP)   # the clip
    pen.ellipse(box(0.47, 0.125, 0.53, 0.185), fill=BLUE)
    for row, y in enumerate((0.36, 0.48, 0.60)):                                           # three items
        pen.rounded_rectangle(box(0.30, y - 0.03, 0.36, y + 0.03), radius=round(0.01 * s),
                              outline=INK, width=round(0.012 * s))
        pen.rounded_rectangle(box(0.41, y - 0.014, 0.70 if row != 1 else 0.62, y + 0.014),
                              radius=round(0.014 * s), fill=INK)
    pen.ellipse(box(0.52, 0.56, 0.92, 0.96), fill=BLUE)                                     # the badge's ring
    pen.ellipse(box(0.55, 0.59, 0.89, 0.93), fill=GREEN)                                    # and the badge
    tick = [(0.63, 0.765), (0.70, 0.835), (0.82, 0.69)]
    pen.line([(round(x * s), round(y * s)) for x, y in tick], fill=PAPER, width=round(0.045 * s), joint="curve")
    for x, y in (tick[0], tick[-1]):
        r = 0.0225
        pen.ellipse(box(x - r, y - r, x + r, y + r), fill=PAPER)
    return image.resize((SIZE, SIZE), Image.Resampling.LANCZOS)


def main() -> None:
    image = draw()
    image.save(HERE / "qa-desktop.png")
    image.save(HERE / "qa-desktop.ico", sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128),
                                                (256, 256)])
    package_icons = HERE.parent.parent / "qa_desktop" / "resources" / "icons"
    package_icons.mkdir(exist_ok=True)
    shutil.copyfile(HERE / "qa-desktop.png", package_icons / "qa-desktop.png")


if __name__ == "__main__":
    main()
