"""Render the app icon (assets/flowsim.svg) into the files each platform's bundle wants.

``make_icons(out)`` writes, under ``out``:

- ``hicolor/<N>x<N>/apps/flowsim.png`` for N in 16…512, and ``hicolor/scalable/apps/flowsim.svg``
  (the freedesktop icon theme layout a Linux desktop looks in);
- ``flowsim.ico`` (Windows, every size in one file) and ``flowsim.icns`` (macOS).

It uses cairosvg and Pillow, which flowsim already depends on. Run it alone with
``python packaging/icons.py OUT``; the PyInstaller spec calls it at build time.
"""

from __future__ import annotations

import io
import shutil
import sys
from pathlib import Path

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
SOURCE = Path(__file__).resolve().parent.parent / "assets" / "flowsim.svg"


def make_icons(out: Path) -> dict[str, Path]:
    """Write the icon set under ``out``; return the paths by kind (png, ico, icns, svg)."""
    import cairosvg
    from PIL import Image

    out = Path(out)
    images = {}
    for size in SIZES:
        png = cairosvg.svg2png(url=str(SOURCE), output_width=size, output_height=size)
        target = out / "hicolor" / f"{size}x{size}" / "apps" / "flowsim.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(png)
        images[size] = Image.open(io.BytesIO(png)).convert("RGBA")
    scalable = out / "hicolor" / "scalable" / "apps" / "flowsim.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SOURCE, scalable)
    ico = out / "flowsim.ico"
    images[256].save(ico, sizes=[(s, s) for s in SIZES if s <= 256])
    icns = out / "flowsim.icns"
    images[512].save(icns)
    return {"png": out / "hicolor" / "256x256" / "apps" / "flowsim.png", "ico": ico, "icns": icns, "svg": scalable}


if __name__ == "__main__":
    for kind, path in make_icons(Path(sys.argv[1] if len(sys.argv) > 1 else "build/icons")).items():
        print(f"{kind}: {path}")
