"""Store every mobile number as its 11 ASCII digits.

Before this, "13８00138000" (a full-width digit) was stored as typed, so it was
not the same value as 13800138000 for the duplicate checks. A value that cannot
be normalised, or whose normalised form another row already has, is left as it
is (a clerk sees it and corrects it by hand).
"""

from django.core.exceptions import ValidationError
from django.db import migrations

from residents.mobile import normalize_mobile


_NOT_PLAIN = r"[^0-9]"


def _normalised(value):
    try:
        return normalize_mobile(value)
    except ValidationError:
        return None


def normalise_stored_mobiles(apps, schema_editor):
    User = apps.get_model("residents", "User")
    Resident = apps.get_model("residents", "Resident")
    Organization = apps.get_model("residents", "Organization")
    for user in User.objects.filter(mobile__regex=_NOT_PLAIN).iterator():
        mobile = _normalised(user.mobile)
        if mobile and not User.objects.filter(mobile=mobile).exists():
            User.objects.filter(pk=user.pk).update(mobile=mobile)
    for resident in Resident.objects.filter(
        mobile__regex=_NOT_PLAIN
    ).iterator():
        mobile = _normalised(resident.mobile)
        if (
            mobile
            and not Resident.objects.filter(
                community_id=resident.community_id, mobile=mobile
            ).exists()
        ):
            Resident.objects.filter(pk=resident.pk).update(mobile=mobile)
    for organization in Organization.objects.filter(
        contact_mobile__regex=_NOT_PLAIN
    ).iterator():
        mobile = _normalised(organization.contact_mobile)
        if mobile:
            Organization.objects.filter(pk=organization.pk).update(
                contact_mobile=mobile
            )


class Migration(migrations.Migration):
    dependencies = [("residents", "0004_import_column_mapping_and_birth_date")]

    operations = [
        migrations.RunPython(normalise_stored_mobiles, migrations.RunPython.noop)
    ]
