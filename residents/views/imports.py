"""The resident-list import: upload, columns, progress, confirm, report."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import apply_service_errors

from .. import selectors, services
from ..access import community_view
from ..forms import (
    ImportColumnsForm,
    ImportConfirmForm,
    ImportUploadForm,
)
from ..importing import field_label, report_csv, template_csv
from ..models import (
    ResidentImport,
)


@community_view("residents.import_residents")
def import_start(request, community):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            resident_import = services.resident_import_prepare(
                community=community,
                uploaded_by=request.user,
                file_name=upload.name,
                data=upload.read(),
            )
        except ValidationError as error:
            form.add_error("file", error.messages)
        else:
            return redirect(resident_import)
    page = Paginator(
        selectors.resident_imports_for_community(community=community), 10
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "residents/import_start.html",
        {"community": community, "form": form, "page": page},
    )


def _import_for(community, pk):
    return get_object_or_404(
        ResidentImport.objects.select_related("created_by"),
        community=community,
        pk=pk,
    )


def _import_detail_page(
    request, community, resident_import, columns_form=None, confirm_form=None
):
    report_page = Paginator(resident_import.report, 50).get_page(
        request.GET.get("page")
    )
    warning_page = None
    if resident_import.is_open:
        warning_page = Paginator(
            [row for row in resident_import.rows if row.get("warnings")], 50
        ).get_page(request.GET.get("warnings_page"))
    if columns_form is None and resident_import.is_open:
        columns_form = ImportColumnsForm(columns=resident_import.columns)
    fields_of_form = {} if columns_form is None else dict(columns_form.fields)
    columns = [
        {
            **column,
            # Labels in the viewer's language, not the uploader's.
            "label": field_label(column["field"]),
            "choice": (
                columns_form[f"column_{column['index']}"]
                if f"column_{column['index']}" in fields_of_form
                else None
            ),
        }
        for column in resident_import.columns
    ]
    return render(
        request,
        "residents/import_detail.html",
        {
            "community": community,
            "resident_import": resident_import,
            "report_page": report_page,
            "warning_page": warning_page,
            "columns": columns,
            "columns_form": columns_form,
            "confirm_form": confirm_form
            or ImportConfirmForm(resident_import=resident_import),
            "can_choose_columns": any(c["choice"] for c in columns),
        },
    )


@community_view("residents.import_residents")
def import_detail(request, community, pk):
    return _import_detail_page(request, community, _import_for(community, pk))


@require_POST
@community_view("residents.import_residents")
def import_columns(request, community, pk):
    """Staff say what the unrecognised columns hold; every row is checked again."""
    resident_import = _import_for(community, pk)
    form = ImportColumnsForm(request.POST, columns=resident_import.columns)
    if form.is_valid():
        try:
            services.resident_import_map_columns(
                resident_import=resident_import,
                fields_by_column=form.fields_by_column(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("The columns were changed and every row checked again.")
            )
            return redirect(resident_import)
    return _import_detail_page(request, community, resident_import, columns_form=form)


@community_view("residents.import_residents")
def import_progress(request, community, pk):
    """The progress fragment that the import page polls while the task runs."""
    resident_import = get_object_or_404(
        ResidentImport.objects.defer("rows", "report", "preview", "columns"),
        community=community,
        pk=pk,
    )
    response = render(
        request,
        "residents/partials/_import_progress.html",
        {"community": community, "resident_import": resident_import},
    )
    if resident_import.is_finished and request.htmx:
        # Reload the whole page to show the final report.
        response["HX-Refresh"] = "true"
    return response


@require_POST
@community_view("residents.import_residents")
def import_confirm(request, community, pk):
    resident_import = _import_for(community, pk)
    form = ImportConfirmForm(request.POST, resident_import=resident_import)
    if form.is_valid():
        try:
            services.resident_import_confirm(
                resident_import=resident_import, **form.confirmations()
            )
        except ValidationError as error:
            if not resident_import.is_open:
                messages.error(request, " ".join(error.messages))
                return redirect(resident_import)
            apply_service_errors(form, error)
        else:
            return redirect(resident_import)
    return _import_detail_page(request, community, resident_import, confirm_form=form)


@require_POST
@community_view("residents.import_residents")
def import_cancel(request, community, pk):
    resident_import = _import_for(community, pk)
    try:
        services.resident_import_cancel(resident_import=resident_import)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Import cancelled; nothing was saved."))
    return redirect("residents:import_start", community=community.slug)


@community_view("residents.import_residents")
def import_report(request, community, pk):
    resident_import = _import_for(community, pk)
    response = HttpResponse(
        report_csv(resident_import.report), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="import-{resident_import.pk}-problems.csv"'
    )
    return response


@community_view("residents.import_residents")
def import_template(request, community):
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="residents-template.csv"'
    return response
