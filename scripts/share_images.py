"""Draw the site's raster images for link previews and search engines, from the favicon's design.

    .venv/bin/python scripts/share_images.py [--name "Senate Newsroom"]

writes static/img/logo.png (512×512: the publisher logo in a release's JSON-LD, where
search engines want a raster) and static/img/share.png (1200×630: the link-preview image of
a page that has no picture of its own). Both are committed; run this again only to change
the design or the newsroom's name. DejaVu Serif (Debian's fonts-dejavu-core) sets the
name.
"""

import argparse
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

STATIC_IMG = Path(__file__).resolve().parent.parent / "static" / "img"
NAVY, RED, WHITE, PALE = "#14284b", "#a6192e", "#ffffff", "#c9d3e6"
# The favicon's star (static/img/favicon.svg), on its 32-unit grid.
STAR = [(16, 6), (18.9, 12.2), (25.7, 13.0), (20.7, 17.7), (22.0, 24.4), (16, 21), (10, 24.4),
        (11.3, 17.7), (6.3, 13.0), (13.1, 12.2)]  # fmt: skip
SUPERSAMPLE = 4  # draw large and shrink: Pillow's polygons have no antialiasing of their own
SERIF_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"
SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def star(draw, left, top, size, fill):
    unit = size / 32
    draw.polygon([(left + x * unit, top + y * unit) for x, y in STAR], fill=fill)


def logo(size=512):
    """The favicon at `size` pixels: a navy rounded square with a white star."""
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 6 / 32, fill=NAVY)
    star(draw, 0, 0, big, WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def share_card(name, tagline="Press releases from the United States Senate"):
    """1200×630, the size link previews show at full width: the seal, the name, the tagline."""
    width, height = 1200 * SUPERSAMPLE, 630 * SUPERSAMPLE
    s = SUPERSAMPLE
    image = Image.new("RGB", (width, height), NAVY)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 16 * s), fill=RED)  # the header's red rule
    seal = 150 * s
    left, top = 96 * s, (height - seal) // 2
    draw.ellipse((left, top, left + seal, top + seal), outline=WHITE, width=6 * s)
    star(draw, left + 12 * s, top + 10 * s, seal - 24 * s, WHITE)
    text_left = left + seal + 56 * s
    title = ImageFont.truetype(SERIF_BOLD, 78 * s)
    subtitle = ImageFont.truetype(SANS, 36 * s)
    draw.text((text_left, height // 2 - 8 * s), name, font=title, fill=WHITE, anchor="ls")
    draw.text((text_left, height // 2 + 56 * s), tagline, font=subtitle, fill=PALE, anchor="ls")
    return image.resize((1200, 630), Image.Resampling.LANCZOS)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--name", default="Senate Newsroom")
    args = parser.parse_args()
    logo().save(STATIC_IMG / "logo.png", optimize=True)
    share_card(args.name).quantize(colors=64).save(STATIC_IMG / "share.png", optimize=True)
    print(f"Wrote {STATIC_IMG / 'logo.png'} and {STATIC_IMG / 'share.png'}")


if __name__ == "__main__":
    main()
