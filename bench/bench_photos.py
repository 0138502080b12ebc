"""Peak memory and time of preparing uploaded photos (topics.images.prepare_photo).

    .venv/bin/python bench/bench_photos.py

Writes each test picture in a separate process, then prepares it in a fresh process
that reports how much its peak resident size grew (ru_maxrss after minus before:
Pillow allocates pixels in C, where tracemalloc does not see them) and how long it
took. "three" rows prepare three photos one after another in one process, as one
topic does. Then prints, for each format and mode, the largest square picture the
memory budget accepts. Needs no database. Exits non-zero when a photo takes
BENCH_PHOTO_MIB (default 100) MiB or more.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
LIMIT_MIB = float(os.environ.get("BENCH_PHOTO_MIB", "100"))

# (label, format, mode, width, height, photos in one process)
CASES = [
    ("issue 8: tiny PNG, 1-bit", "PNG", "1", 7745, 7745, 1),
    ("PNG, RGB, 60 MP", "PNG", "RGB", 7745, 7745, 1),
    ("PNG, 8-bit grey, 60 MP", "PNG", "L", 7745, 7745, 1),
    ("JPEG, 60 MP camera", "JPEG", "RGB", 7745, 7745, 1),
    ("JPEG, 12 MP phone", "JPEG", "RGB", 4032, 3024, 1),
    ("JPEG, 12 MP phone, three", "JPEG", "RGB", 4032, 3024, 3),
    ("PNG, RGB, 12 MP", "PNG", "RGB", 4000, 3000, 1),
    ("PNG, RGB, 12 MP, three", "PNG", "RGB", 4000, 3000, 3),
    ("PNG, RGBA, 7 MP", "PNG", "RGBA", 2600, 2600, 1),
    ("PNG, RGBA, 12 MP", "PNG", "RGBA", 4000, 3000, 1),
    ("GIF, 9 MP", "GIF", "P", 3000, 3000, 1),
    ("WebP, 4 MP", "WEBP", "RGB", 2000, 2000, 1),
]

# A smooth picture, so the files stay small and decode as a photo would.
WRITE = """
import sys
from PIL import Image
path, image_format, mode, width, height = sys.argv[1:]
size = (int(width), int(height))
grey = Image.radial_gradient("L").resize(size)
if mode == "1":
    image = Image.new(mode, size)  # blank: issue 8's 7 KiB file
elif mode == "L":
    image = grey.convert(mode)
else:
    image = Image.merge("RGB", (grey, grey.rotate(90), grey.rotate(180)))
    image = image.convert(mode)
options = {"lossless": True} if image_format == "WEBP" else {}
image.save(path, format=image_format, **options)
"""

MEASURE = """
import json, resource, sys, time
import django
django.setup()
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from topics.images import prepare_photo
path, count = sys.argv[1], int(sys.argv[2])
with open(path, "rb") as f:
    data = f.read()
uploads = [SimpleUploadedFile(path.rsplit("/", 1)[-1], data) for _ in range(count)]
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
outcome = "shrunk"
for upload in uploads:
    try:
        prepare_photo(upload)
    except ValidationError as refused:
        outcome = "refused: " + refused.code
print(json.dumps({
    "outcome": outcome,
    "mib": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024,
    "seconds": time.perf_counter() - started,
}))
"""


def child_env():
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        YISHIHUI_TESTING="true",
        ENV_FILE=os.devnull,
    )
    return env


def run(code, *args):
    done = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        cwd=ROOT,
        env=child_env(),
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return done.stdout


def largest_accepted_squares():
    """Return the largest square side the memory budget accepts, per format and mode."""
    sys.path.insert(0, str(ROOT))
    try:
        from topics import images
    except ImportError:
        return []
    if not hasattr(images, "_peak_bytes"):
        return []  # the code before the budget: every picture up to MAX_PIXELS
    rows = []
    for image_format, mode in [
        ("JPEG", "RGB"),
        ("PNG", "1"),
        ("PNG", "L"),
        ("PNG", "P"),
        ("PNG", "RGB"),
        ("PNG", "RGBA"),
        ("GIF", "P"),
        ("WEBP", "RGB"),
        ("WEBP", "RGBA"),
    ]:
        low, high = 1, 20_000
        while low < high - 1:
            side = (low + high) // 2
            image = SimpleNamespace(
                format=image_format, mode=mode, size=(side, side), info={}
            )
            if image_format == "JPEG":
                scale = next(s for s in (8, 4, 2, 1) if side // images.MAX_SIDE >= s)
                image.size = (-(-side // scale),) * 2
            fits = side * side <= images.MAX_PIXELS and (
                images._peak_bytes(image) <= images.DECODE_BUDGET_BYTES
            )
            low, high = (side, high) if fits else (low, side)
        rows.append((image_format, mode, low))
    return rows


def main():
    worst = 0.0
    print(f"{'case':32} {'file':>9} {'outcome':26} {'peak MiB':>9} {'seconds':>8}")
    with tempfile.TemporaryDirectory() as folder:
        for label, image_format, mode, width, height, count in CASES:
            path = Path(folder) / f"{image_format}-{mode}-{width}x{height}"
            if not path.exists():
                run(WRITE, path, image_format, mode, width, height)
            measured = json.loads(run(MEASURE, path, count).splitlines()[-1])
            worst = max(worst, measured["mib"])
            size_kib = path.stat().st_size / 1024
            print(
                f"{label:32} {size_kib:>6.0f} KiB {measured['outcome']:26} "
                f"{measured['mib']:>9.0f} {measured['seconds']:>8.2f}"
            )
    squares = largest_accepted_squares()
    if squares:
        print("\nLargest square picture accepted (side in pixels, megapixels):")
        for image_format, mode, side in squares:
            print(f"  {image_format:5} {mode:5} {side:>6} {side * side / 1e6:>6.1f} MP")
    if worst >= LIMIT_MIB:
        print(f"\nA photo took {worst:.0f} MiB, at or above {LIMIT_MIB:.0f} MiB.")
        sys.exit(1)


if __name__ == "__main__":
    main()
