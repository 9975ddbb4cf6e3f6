"""Draw the illustrations of the starter catalogue (shop/fixtures/products/<slug>.png).

They were drawn for the project with Pillow, so no photo rights are involved; the files are
committed, and this command only needs running again to change them. Flat shapes on a soft
background, drawn at twice the size and scaled down for smooth edges, then reduced to a small
palette so each file stays well under 30 KB.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.management.base import BaseCommand
from PIL import Image, ImageDraw

from shop.catalogue import SEED_PRODUCTS, seed_image_path

SIZE = 640
SCALE = 2
S = SIZE * SCALE

INK = (29, 36, 51)
WHITE = (255, 255, 255)


def _canvas(background: tuple[int, int, int]) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", (S, S), background)
    draw = ImageDraw.Draw(image)
    # A soft floor shadow every object stands on.
    draw.ellipse((S * 0.2, S * 0.8, S * 0.8, S * 0.88), fill=_shade(background, 0.9))
    return image, draw


def _shade(colour: tuple[int, int, int], factor: float) -> tuple[int, int, int]:
    return tuple(max(0, min(255, round(c * factor))) for c in colour)


def _p(*values: float) -> tuple[float, ...]:
    """Coordinates given as fractions of the canvas."""
    return tuple(v * S for v in values)


def mug(draw: ImageDraw.ImageDraw) -> None:
    steel = (47, 111, 186)
    draw.rounded_rectangle(_p(0.33, 0.3, 0.67, 0.84), radius=S * 0.05, fill=steel)
    draw.rounded_rectangle(_p(0.31, 0.24, 0.69, 0.33), radius=S * 0.03, fill=INK)
    draw.rectangle(_p(0.33, 0.72, 0.67, 0.75), fill=_shade(steel, 0.8))
    draw.rounded_rectangle(_p(0.39, 0.34, 0.44, 0.78), radius=S * 0.02, fill=_shade(steel, 1.25))
    for x in (0.43, 0.5, 0.57):
        draw.arc(_p(x - 0.03, 0.08, x + 0.03, 0.2), 100, 260, fill=(150, 160, 175), width=S // 90)


def backpack(draw: ImageDraw.ImageDraw) -> None:
    body = (72, 80, 94)
    draw.arc(_p(0.4, 0.14, 0.6, 0.32), 180, 360, fill=INK, width=S // 45)
    draw.rounded_rectangle(_p(0.28, 0.22, 0.72, 0.84), radius=S * 0.12, fill=body)
    draw.rounded_rectangle(_p(0.34, 0.52, 0.66, 0.8), radius=S * 0.06, fill=_shade(body, 1.25))
    draw.line(_p(0.37, 0.58, 0.63, 0.58), fill=(232, 170, 60), width=S // 110)
    draw.rounded_rectangle(_p(0.47, 0.56, 0.53, 0.61), radius=S * 0.01, fill=(232, 170, 60))


def umbrella(draw: ImageDraw.ImageDraw) -> None:
    red = (205, 52, 62)
    draw.pieslice(_p(0.16, 0.22, 0.84, 0.78), 180, 360, fill=red)
    for left in (0.16, 0.33, 0.5, 0.67):
        draw.pieslice(_p(left, 0.44, left + 0.17, 0.56), 0, 180, fill=_shade(red, 0.8))
    draw.line(_p(0.5, 0.5, 0.5, 0.78), fill=INK, width=S // 70)
    draw.arc(_p(0.5, 0.73, 0.58, 0.83), 0, 180, fill=INK, width=S // 70)
    for x, y in ((0.22, 0.1), (0.4, 0.06), (0.62, 0.1), (0.8, 0.16), (0.12, 0.2)):
        draw.ellipse(_p(x, y, x + 0.018, y + 0.04), fill=(120, 170, 220))


def notebook(draw: ImageDraw.ImageDraw) -> None:
    green = (46, 125, 90)
    draw.rounded_rectangle(_p(0.32, 0.16, 0.7, 0.84), radius=S * 0.02, fill=WHITE)
    draw.rounded_rectangle(_p(0.3, 0.14, 0.68, 0.82), radius=S * 0.03, fill=green)
    draw.rectangle(_p(0.3, 0.14, 0.34, 0.82), fill=_shade(green, 0.8))
    draw.polygon(_p(0.56, 0.82, 0.6, 0.82, 0.6, 0.9, 0.58, 0.87, 0.56, 0.9), fill=(205, 52, 62))
    draw.rounded_rectangle(_p(0.42, 0.3, 0.6, 0.38), radius=S * 0.01, fill=_shade(green, 1.35))


def power_bank(draw: ImageDraw.ImageDraw) -> None:
    draw.rounded_rectangle(_p(0.3, 0.2, 0.7, 0.84), radius=S * 0.06, fill=INK)
    draw.rounded_rectangle(_p(0.34, 0.24, 0.66, 0.8), radius=S * 0.04, fill=(52, 60, 76))
    for i in range(4):
        top = 0.36 + i * 0.07
        colour = (80, 200, 120) if i else (70, 78, 94)
        draw.rounded_rectangle(_p(0.44, top, 0.56, top + 0.045), radius=S * 0.008, fill=colour)
    bolt = (0.52, 0.62, 0.46, 0.71, 0.5, 0.71, 0.48, 0.78, 0.55, 0.68, 0.51, 0.68, 0.53, 0.62)
    draw.polygon(_p(*bolt), fill=(232, 170, 60))


def tote(draw: ImageDraw.ImageDraw) -> None:
    canvas = (236, 224, 200)
    draw.arc(_p(0.36, 0.12, 0.64, 0.46), 180, 360, fill=_shade(canvas, 0.7), width=S // 45)
    draw.polygon(_p(0.26, 0.3, 0.74, 0.3, 0.78, 0.84, 0.22, 0.84), fill=canvas)
    draw.polygon(_p(0.245, 0.52, 0.755, 0.52, 0.762, 0.6, 0.238, 0.6), fill=(46, 125, 90))


DRAWINGS: dict[str, tuple[tuple[int, int, int], Callable[[ImageDraw.ImageDraw], None]]] = {
    "thermo-mug-450": ((226, 236, 248), mug),
    "city-backpack": ((240, 232, 220), backpack),
    "folding-umbrella": ((232, 240, 248), umbrella),
    "notebook-a5": ((244, 238, 222), notebook),
    "power-bank-10000": ((226, 242, 234), power_bank),
    "cotton-tote": ((216, 232, 226), tote),
}


class Command(BaseCommand):
    help = "Draw the starter catalogue's product illustrations into shop/fixtures/products/."

    def handle(self, *args, **options):
        for data in SEED_PRODUCTS:
            background, draw_object = DRAWINGS[data["slug"]]
            image, draw = _canvas(background)
            draw_object(draw)
            image = image.resize((SIZE, SIZE), Image.Resampling.LANCZOS)
            path = seed_image_path(data["slug"])
            path.parent.mkdir(parents=True, exist_ok=True)
            image.quantize(colors=48, dither=Image.Dither.NONE).save(path, optimize=True)
            self.stdout.write(f"{path.name}: {path.stat().st_size // 1024} KB")
