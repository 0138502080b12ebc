"""Every residents page answers 403 to staff of another community, and 404 when
they reach for this community's objects through their own community's address."""

import pytest
from django.urls import reverse

from residents.models import Resident, ResidentImport
from tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db

# (url name, method, needs pk, needs resident_pk)
PAGES = [
    ("community_home", "get", False, False),
    ("resident_list", "get", False, False),
    ("resident_create", "post", False, False),
    ("resident_detail", "get", "resident", False),
    ("resident_edit", "post", "resident", False),
    ("resident_login_create", "post", "resident", False),
    ("resident_password_reset", "post", "resident", False),
    ("import_start", "post", False, False),
    ("import_template", "get", False, False),
    ("import_detail", "get", "import", False),
    ("import_progress", "get", "import", False),
    ("import_report", "get", "import", False),
    ("import_confirm", "post", "import", False),
    ("import_cancel", "post", "import", False),
    ("organization_list", "get", False, False),
    ("organization_create", "post", False, False),
    ("organization_detail", "get", "organization", False),
    ("organization_edit", "post", "organization", False),
    ("organization_member_add", "post", "organization", False),
    ("organization_member_remove", "post", "organization", True),
]


@pytest.fixture
def objects(community, staff_user, organization):
    resident = ResidentFactory(community=community, name="林秀英")
    organization.members.add(resident)
    resident_import = ResidentImport.objects.create(
        community=community, created_by=staff_user, file_name="r.csv", file_format="csv"
    )
    return {
        "resident": resident,
        "import": resident_import,
        "organization": organization,
    }


def _url(community, name, pk_kind, with_resident, objects):
    kwargs = {"community": community.slug}
    if pk_kind:
        kwargs["pk"] = objects[pk_kind].pk
    if with_resident:
        kwargs["resident_pk"] = objects["resident"].pk
    return reverse(f"residents:{name}", kwargs=kwargs)


@pytest.mark.parametrize(("name", "method", "pk_kind", "with_resident"), PAGES)
def test_staff_of_another_community_is_refused(
    login,
    other_staff_user,
    community,
    other_community,
    objects,
    name,
    method,
    pk_kind,
    with_resident,
):
    client = login(other_staff_user)
    call = getattr(client, method)
    response = call(_url(community, name, pk_kind, with_resident, objects))
    assert response.status_code == 403
    if pk_kind:
        response = call(_url(other_community, name, pk_kind, with_resident, objects))
        assert response.status_code == 404
    # Nothing changed.
    assert Resident.objects.get(pk=objects["resident"].pk).user_id is None
    assert objects["organization"].members.count() == 1
    assert ResidentImport.objects.get(pk=objects["import"].pk).status == "ready"
