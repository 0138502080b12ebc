"""Photo checks: by content, size limit, HEIC, resize, no EXIF GPS kept."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.topics.conftest import HEIC_HEAD, make_jpeg, make_png
from topics.images import prepare_photo


def upload(content: bytes, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_large_jpeg_is_resized_and_reencoded():
    result = prepare_photo(upload(make_jpeg(size=(4000, 3000))))
    image = Image.open(io.BytesIO(result.read()))
    assert image.format == "JPEG"
    assert max(image.size) == 1600
    assert result.name.endswith(".jpg")


def test_png_with_transparency_becomes_jpeg():
    result = prepare_photo(
        upload(make_png(), name="plan.png", content_type="image/png")
    )
    assert Image.open(io.BytesIO(result.read())).format == "JPEG"


def test_gps_location_in_exif_is_stripped():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "N", 2: (25.0, 20.0, 0.0), 3: "E", 4: (119.0, 5.0, 0.0)}
    exif[0x8825] = gps  # GPSInfo
    original = make_jpeg(size=(800, 600), exif=exif.tobytes())
    assert Image.open(io.BytesIO(original)).getexif().get(0x8825)
    result = prepare_photo(upload(original))
    cleaned = Image.open(io.BytesIO(result.read()))
    assert not cleaned.getexif()
    assert b"Exif" not in result.read()


def test_text_file_named_jpg_is_refused():
    with pytest.raises(ValidationError) as caught:
        prepare_photo(upload(b"this is not a picture at all", name="photo.jpg"))
    assert caught.value.code == "not_image"


def test_pdf_is_refused_even_with_image_content_type():
    with pytest.raises(ValidationError):
        prepare_photo(upload(b"%PDF-1.4\n" + b"0" * 500, name="scan.png"))


def test_thirty_megabyte_file_is_refused_with_its_size():
    big = upload(b"\xff\xd8\xff" + b"0" * (30 * 1024 * 1024), name="big.jpg")
    with pytest.raises(ValidationError) as caught:
        prepare_photo(big)
    assert caught.value.code == "too_large"
    assert "30.0" in caught.value.messages[0]


def test_heic_gets_its_own_message():
    with pytest.raises(ValidationError) as caught:
        prepare_photo(
            upload(HEIC_HEAD, name="IMG_0001.HEIC", content_type="image/heic")
        )
    assert caught.value.code == "heic"
    assert "JPG" in caught.value.messages[0]


def test_heic_renamed_to_jpg_is_still_recognised():
    with pytest.raises(ValidationError) as caught:
        prepare_photo(upload(HEIC_HEAD, name="IMG_0001.jpg"))
    assert caught.value.code == "heic"


def test_huge_pixel_count_is_refused_before_decoding():
    # A tiny PNG file that claims 10,000 × 10,000 pixels.
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, format="PNG")
    assert len(out.getvalue()) < 200_000
    with pytest.raises(ValidationError) as caught:
        prepare_photo(upload(out.getvalue(), name="bomb.png", content_type="image/png"))
    assert caught.value.code == "too_many_pixels"


def test_jpeg_turned_by_exif_orientation_comes_out_upright():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was turned, rotate 90° to show
    original = make_jpeg(size=(4000, 2000), exif=exif.tobytes())
    result = prepare_photo(upload(original))
    assert Image.open(io.BytesIO(result.read())).size == (800, 1600)


# Memory is measured in a fresh process: Pillow allocates pixels in C, where
# tracemalloc does not see them, and the test process's own high-water mark would
# hide the photo's. The child records its peak resident size before and after.
ROOT = Path(__file__).resolve().parents[2]
MEMORY_LIMIT_MIB = 100
MEASURE = """
import json, resource, sys, time
import django
django.setup()
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from topics.images import prepare_photo
uploads = []
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        uploads.append(SimpleUploadedFile(path.rsplit("/", 1)[-1], f.read()))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
results = []
for upload in uploads:
    try:
        results.append({"size": list(Image.open(prepare_photo(upload)).size)})
    except ValidationError as refused:
        results.append({"code": refused.code, "message": refused.messages[0]})
print(json.dumps({
    "results": results,
    "extra_mib": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024,
    "seconds": time.perf_counter() - started,
}))
"""


def _child_env():
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        YISHIHUI_TESTING="true",
        ENV_FILE=os.devnull,
    )
    return env


def _picture(path: Path, mode: str, size: tuple[int, int], image_format: str) -> Path:
    """Write a picture in a separate process, so its pixels never burden this one."""
    code = (
        "import sys; from PIL import Image; "
        f"Image.new({mode!r}, {size!r}).save(sys.argv[1], format={image_format!r})"
    )
    subprocess.run([sys.executable, "-c", code, str(path)], check=True, timeout=120)
    return path


def _prepare_in_fresh_process(*paths: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, *map(str, paths)],
        cwd=ROOT,
        env=_child_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_tiny_png_of_7745_by_7745_pixels_is_refused_with_little_memory(tmp_path):
    # 7 KiB on disk, just under 60 megapixels: it used to take 570 MiB to decode.
    png = _picture(tmp_path / "plan.png", "1", (7745, 7745), "PNG")
    assert png.stat().st_size < 10 * 1024
    measured = _prepare_in_fresh_process(png)
    (result,) = measured["results"]
    assert result["code"] == "too_many_pixels"
    assert "7745 × 7745" in result["message"]
    assert "JPG" in result["message"]
    assert measured["extra_mib"] < MEMORY_LIMIT_MIB


@pytest.mark.slow
def test_jpeg_of_7745_by_7745_pixels_is_shrunk_while_decoding(tmp_path):
    jpeg = _picture(tmp_path / "wide.jpg", "RGB", (7745, 7745), "JPEG")
    measured = _prepare_in_fresh_process(jpeg)
    assert measured["results"] == [{"size": [1600, 1600]}]
    assert measured["extra_mib"] < MEMORY_LIMIT_MIB


@pytest.mark.slow
def test_three_twelve_megapixel_pngs_of_one_topic_fit_the_memory_limit(tmp_path):
    png = _picture(tmp_path / "photo.png", "RGB", (4000, 3000), "PNG")
    measured = _prepare_in_fresh_process(png, png, png)
    assert measured["results"] == [{"size": [1600, 1200]}] * 3
    assert measured["extra_mib"] < MEMORY_LIMIT_MIB
