import io

import pytest
from PIL import Image

from residents.models import Resident, Role
from tests.factories import MembershipFactory, ResidentFactory, UserFactory


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded photos go to a throwaway folder, not var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def resident(resident_user, community):
    return Resident.objects.get(community=community, user=resident_user)


@pytest.fixture
def neighbour_user(community):
    """A second resident with a login, in the same community."""
    user = UserFactory(display_name="李大爷")
    MembershipFactory(user=user, community=community, role=Role.RESIDENT)
    ResidentFactory(community=community, user=user, name="李大爷")
    return user


@pytest.fixture
def neighbour(neighbour_user, community):
    return Resident.objects.get(community=community, user=neighbour_user)


@pytest.fixture
def offline_resident(community):
    """A resident with no login (staff act for them)."""
    return ResidentFactory(community=community, user=None, name="张奶奶")


def make_jpeg(size=(2400, 1800), color=(200, 80, 40), exif=None) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, color)
    if exif is not None:
        image.save(out, format="JPEG", exif=exif)
    else:
        image.save(out, format="JPEG")
    return out.getvalue()


def make_png(size=(300, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 128, 255, 128)).save(out, format="PNG")
    return out.getvalue()


HEIC_HEAD = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200
