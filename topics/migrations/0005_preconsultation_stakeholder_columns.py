"""PreConsultation takes its four stakeholder columns from residents.stakeholders.

Only the model state changes: the fields are called `resident` and `organization`
as on council.Invitation, their columns keep their names, and the check
constraint reads the same in SQL. Nothing is run against the database.
"""

import django.db.models.deletion
from django.db import migrations, models


def _exactly_one_stakeholder():
    return models.CheckConstraint(
        condition=models.Q(
            models.Q(
                ("organization__isnull", True),
                ("outside_name", ""),
                ("resident__isnull", False),
            ),
            models.Q(
                ("organization__isnull", False),
                ("outside_name", ""),
                ("resident__isnull", True),
            ),
            models.Q(
                ("organization__isnull", True),
                ("resident__isnull", True),
                models.Q(("outside_name", ""), _negated=True),
            ),
            _connector="OR",
        ),
        name="consultation_exactly_one_stakeholder",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("residents", "0003_import_confirmed_at"),
        ("topics", "0004_event_kind_meeting_cancelled"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveConstraint(
                    model_name="preconsultation",
                    name="consultation_exactly_one_stakeholder",
                ),
                migrations.RenameField(
                    model_name="preconsultation",
                    old_name="stakeholder_resident",
                    new_name="resident",
                ),
                migrations.RenameField(
                    model_name="preconsultation",
                    old_name="stakeholder_organization",
                    new_name="organization",
                ),
                migrations.AlterField(
                    model_name="preconsultation",
                    name="resident",
                    field=models.ForeignKey(
                        blank=True,
                        db_column="stakeholder_resident_id",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="%(class)ss",
                        to="residents.resident",
                        verbose_name="resident",
                    ),
                ),
                migrations.AlterField(
                    model_name="preconsultation",
                    name="organization",
                    field=models.ForeignKey(
                        blank=True,
                        db_column="stakeholder_organization_id",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="%(class)ss",
                        to="residents.organization",
                        verbose_name="organisation",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="preconsultation",
                    constraint=_exactly_one_stakeholder(),
                ),
            ],
        ),
    ]
