"""Photo checks: by content, size limit, HEIC, resize, no EXIF GPS kept."""

import io

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
