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


def _is_heif(head: bytes) -> bool:
    return len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS


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
            image.load()
            image = ImageOps.exif_transpose(image)
            if image.mode not in ("RGB", "L"):
                background = Image.new("RGB", image.size, (255, 255, 255))
                rgba = image.convert("RGBA")
                background.paste(rgba, mask=rgba.getchannel("A"))
                image = background
            elif image.mode == "L":
                image = image.convert("RGB")
            image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=85, optimize=True)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError):
        raise not_an_image from None
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0][:40] or "photo"
    return ContentFile(out.getvalue(), name=f"{stem}.jpg")
