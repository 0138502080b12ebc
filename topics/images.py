"""Check and re-encode uploaded photos: real images only, resized, no EXIF kept."""

import io
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PHOTOS = 3
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_SIDE = 1600
# Larger than any phone camera; refuses "decompression bombs" before decoding.
MAX_PIXELS = 60_000_000
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "BMP"}
# ISO base media "ftyp" brands used by HEIC/HEIF files (iPhone photos).
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
# Memory the pixels of one photo may take at their peak, so a server handles photos
# with a bounded amount of memory. JPEG decodes already shrunk (to 1/2, 1/4 or 1/8),
# so any JPEG under MAX_PIXELS fits; the other formats decode at full size and fit
# fewer pixels (bench/README.md lists how many).
DECODE_BUDGET_BYTES = 80 * 1024 * 1024
# Bytes per pixel Pillow stores, by mode; modes not listed take 4.
_STORED_BYTES = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16L": 2, "I;16B": 2}
# Bytes per pixel a decoder takes on top of the image while decoding, and what it
# keeps until the file is closed: WebP decodes into two frame buffers of its own,
# then into a bytes object (measured with bench/bench_photos.py).
_DECODER_BYTES_WHILE_DECODING = {"WEBP": 13}
_DECODER_BYTES_KEPT = {"WEBP": 8}


def _is_heif(head: bytes) -> bool:
    return len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS


def _fitted_size(width: int, height: int) -> tuple[int, int]:
    """Return the size that fits width × height in MAX_SIDE × MAX_SIDE."""
    ratio = min(MAX_SIDE / width, MAX_SIDE / height, 1)
    return max(1, round(width * ratio)), max(1, round(height * ratio))


def _work_mode(image: Image.Image) -> str:
    """Return the mode to shrink the image in: one Pillow can reduce, alpha kept."""
    mode = image.mode
    if mode in ("L", "RGB", "RGBA", "LA", "CMYK"):
        return mode
    if mode == "1" or mode.startswith("I") or mode == "F":
        return "L"
    if mode == "PA" or "transparency" in image.info:
        return "RGBA"
    return "RGB"


def _peak_bytes(image: Image.Image) -> int:
    """Estimate the memory the pixels of the opened image take at their peak.

    Each step holds: decoding, the image and the decoder's buffers; converting,
    the decoded and the converted image; shrinking, the full-size image (twice
    when it has alpha, which is premultiplied first) with either the reduced
    image or the first pass of the resize and its result, and what the decoder
    keeps.
    """
    width, height = image.size
    pixels = width * height
    fitted_width, fitted_height = _fitted_size(width, height)
    stored = _STORED_BYTES.get(image.mode, 4)
    work_mode = _work_mode(image)
    work = _STORED_BYTES.get(work_mode, 4)
    decoding = pixels * (stored + _DECODER_BYTES_WHILE_DECODING.get(image.format, 0))
    kept = pixels * _DECODER_BYTES_KEPT.get(image.format, 0)
    converting = pixels * (stored + work) if work_mode != image.mode else 0
    factor = min(width // fitted_width, height // fitted_height)
    if factor > 1:
        beside = -(-width // factor) * -(-height // factor) * work
    else:
        beside = (fitted_width * height + fitted_width * fitted_height) * work
    premultiplied = pixels * work if work_mode in ("RGBA", "LA") else 0
    shrinking = kept + pixels * work + premultiplied + beside
    return max(decoding, converting, shrinking)


def _shrink(image: Image.Image) -> Image.Image:
    """Return the opened image decoded, at most MAX_SIDE × MAX_SIDE, in RGB.

    Shrinks before anything else, so the steps after it work on a small image,
    and frees each full-size image as soon as the next one exists.
    """
    image.load()
    work_mode = _work_mode(image)
    if work_mode != image.mode:
        decoded, image = image, image.convert(work_mode)
        decoded.close()
    size = _fitted_size(*image.size)
    # An exact average of factor × factor blocks, then Lanczos for the rest.
    factor = min(image.size[0] // size[0], image.size[1] // size[1])
    if factor > 1:
        full, image = image, image.reduce(factor)
        full.close()
    if image.size != size:
        image = image.resize(size, Image.Resampling.LANCZOS)
    ImageOps.exif_transpose(image, in_place=True)
    if image.mode in ("RGBA", "LA"):
        rgba = image.convert("RGBA")
        image = Image.new("RGB", image.size, (255, 255, 255))
        image.paste(rgba, mask=rgba.getchannel("A"))
    elif image.mode != "RGB":
        image = image.convert("RGB")
    return image


def prepare_photo(upload) -> ContentFile:
    """Return the upload as a JPEG at most MAX_SIDE pixels on its longer side.

    The type is decided by the file's content, never its name. Re-encoding drops
    all metadata, including the GPS position many phones write into EXIF.
    """
    name = getattr(upload, "name", "") or "photo"
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_PHOTO_BYTES:
        raise ValidationError(
            _(
                "“%(name)s” is %(size)s. Each photo can be at most %(limit)s: "
                "choose a smaller photo."
            ),
            code="too_large",
            params={
                "name": name,
                "size": filesizeformat(size),
                "limit": filesizeformat(MAX_PHOTO_BYTES),
            },
        )
    upload.seek(0)
    head = upload.read(32)
    upload.seek(0)
    if _is_heif(head):
        raise ValidationError(
            _(
                "“%(name)s” is a HEIC photo, which this site cannot show. On an "
                "iPhone, choose the photo again and pick JPG, or set Camera > "
                "Formats to “Most Compatible”. JPG and PNG photos work."
            ),
            code="heic",
            params={"name": name},
        )
    not_an_image = ValidationError(
        _("“%(name)s” is not a photo. Choose a JPG or PNG picture."),
        code="not_image",
        params={"name": name},
    )
    try:
        with warnings.catch_warnings():
            # The pixel count is checked below, with a clearer message.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            probe = Image.open(upload)
        with probe:
            image_format = probe.format
            width, height = probe.size
            probe.verify()
        if image_format not in ACCEPTED_FORMATS:
            raise not_an_image
        if width * height > MAX_PIXELS:
            raise ValidationError(
                _(
                    "“%(name)s” is too large (%(w)d × %(h)d pixels). Choose a smaller photo."
                ),
                code="too_many_pixels",
                params={"name": name, "w": width, "h": height},
            )
        upload.seek(0)
        with Image.open(upload) as image:
            if image_format == "JPEG":
                # Decode at 1/2, 1/4 or 1/8 of the size, as near MAX_SIDE as it goes.
                image.draft("RGB", _fitted_size(width, height))
            if _peak_bytes(image) > DECODE_BUDGET_BYTES:
                raise ValidationError(
                    _(
                        "“%(name)s” has too many pixels (%(w)d × %(h)d) for a "
                        "%(format)s picture. Choose a smaller photo, or save it as JPG."
                    ),
                    code="too_many_pixels",
                    params={
                        "name": name,
                        "w": width,
                        "h": height,
                        "format": image_format,
                    },
                )
            image = _shrink(image)
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=85, optimize=True)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError):
        raise not_an_image from None
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0][:40] or "photo"
    return ContentFile(out.getvalue(), name=f"{stem}.jpg")
