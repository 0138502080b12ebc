from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.forms import apply_service_errors
from core.home import home_sections
from core.params import int_or_none, query_text

from . import selectors, services
from .access import community_view
from .forms import (
    ChosenPasswordChangeForm,
    ChosenPasswordForm,
    ContactForm,
    ImportUploadForm,
    MemberSearchForm,
    OrganizationForm,
    ResidentForm,
)
from .importing import FIELDS, report_csv, template_csv
from .models import Organization, OrganizationKind, Resident, ResidentImport
from .selectors import communities_for_user, community_summary, organizations_by_kind

PAGE_SIZE = getattr(settings, "PAGE_SIZE", 25)


def _get_or_404(queryset, **lookup):
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def home(request):
    """Send a user with one community straight to it; otherwise list them."""
    communities = list(communities_for_user(request.user))
    if len(communities) == 1:
        return redirect(communities[0])
    return render(request, "residents/home.html", {"communities": communities})


@community_view("residents.view_community")
def community_home(request, community):
    return render(
        request,
        "residents/community_home.html",
        {
            "community": community,
            "summary": community_summary(community=community),
            "organizations_by_kind": organizations_by_kind(community=community),
            "sections": home_sections(request=request, community=community),
        },
    )


# -- residents ---------------------------------------------------------------


@community_view("residents.view_residents")
def resident_list(request, community):
    query = query_text(request.GET, "q")
    tag = request.GET.get("tag", "")
    if tag not in selectors.RESIDENT_TAGS:
        tag = ""
    residents = selectors.resident_list(
        community=community,
        query=query,
        tag=tag,
        by_mobile=request.user.has_perm("residents.view_contact_details", community),
    )
    page = Paginator(residents, PAGE_SIZE).get_page(request.GET.get("page"))
    tags = [
        (name, Resident._meta.get_field(name).verbose_name)
        for name in selectors.RESIDENT_TAGS
    ]
    return render(
        request,
        "residents/resident_list.html",
        {
            "community": community,
            "page": page,
            "query": query,
            "tag": tag,
            "filter_query": urlencode(
                {k: v for k, v in {"q": query, "tag": tag}.items() if v}
            ),
            "tags": tags,
        },
    )


@community_view("residents.view_residents")
def resident_detail(request, community, pk):
    resident = _get_or_404(
        Resident.objects.filter(community=community)
        .select_related("user")
        .prefetch_related("organizations"),
        pk=pk,
    )
    return render(
        request,
        "residents/resident_detail.html",
        {
            "community": community,
            "resident": resident,
            "household": (
                selectors.household_members(resident=resident)
                if request.user.has_perm("residents.view_contact_details", community)
                else []
            ),
        },
    )


def _resident_form_page(request, community, resident=None):
    form = ResidentForm(request.POST or None, instance=resident)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.RESIDENT_FIELDS}
        try:
            if resident is None:
                resident = services.resident_create(community=community, **fields)
                messages.success(
                    request, _("%(name)s was registered.") % {"name": resident.name}
                )
            else:
                resident = services.resident_update(resident=resident, **fields)
                messages.success(request, _("Changes saved."))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return redirect(resident)
    return render(
        request,
        "residents/resident_form.html",
        {"community": community, "form": form, "resident": resident},
    )


@community_view("residents.manage_residents")
def resident_create(request, community):
    return _resident_form_page(request, community)


@community_view("residents.manage_residents")
def resident_edit(request, community, pk):
    resident = get_object_or_404(Resident, community=community, pk=pk)
    return _resident_form_page(request, community, resident)


def _code_page(request, community, resident, user, code):
    response = render(
        request,
        "residents/one_time_code.html",
        {"community": community, "resident": resident, "login": user, "code": code},
    )
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_POST
@community_view("residents.manage_residents")
def resident_login_create(request, community, pk):
    resident = get_object_or_404(Resident, community=community, pk=pk)
    try:
        user, code = services.resident_login_create(resident=resident)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(resident)
    if code is None:
        messages.success(
            request,
            _(
                "%(name)s already had a login with this mobile number; it now also "
                "opens this community. The password is unchanged."
            )
            % {"name": resident.name},
        )
        return redirect(resident)
    return _code_page(request, community, resident, user, code)


@never_cache
@require_POST
@community_view("residents.manage_residents")
def resident_password_reset(request, community, pk):
    resident = get_object_or_404(
        Resident.objects.select_related("user"), community=community, pk=pk
    )
    try:
        code = services.resident_password_reset(resident=resident)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(resident)
    return _code_page(request, community, resident, resident.user, code)


# -- organisations -----------------------------------------------------------


@community_view("residents.view_organizations")
def organization_list(request, community):
    groups = organizations_by_kind(community=community)
    return render(
        request,
        "residents/organization_list.html",
        {
            "community": community,
            "groups": groups,
            "total": sum(len(items) for _label, items in groups),
        },
    )


@community_view("residents.view_organizations")
def organization_detail(request, community, pk):
    try:
        organization = selectors.organization_for_page(community=community, pk=pk)
    except Organization.DoesNotExist as exc:
        raise Http404 from exc
    can_view_people = request.user.has_perm("residents.view_residents", community)
    can_manage = request.user.has_perm("residents.manage_organizations", community)
    members_page = None
    if can_view_people:
        members_page = Paginator(
            selectors.organization_members(organization=organization), PAGE_SIZE
        ).get_page(request.GET.get("page"))
    search_form = MemberSearchForm(request.GET or None)
    candidates = []
    if can_manage and search_form.is_valid():
        candidates = selectors.resident_search_for_organization(
            organization=organization, query=search_form.cleaned_data["q"]
        )
    return render(
        request,
        "residents/organization_detail.html",
        {
            "community": community,
            "organization": organization,
            "member_count": organization.member_count,
            "members_page": members_page,
            "social_workers": (
                selectors.organization_social_workers(organization=organization)
                if organization.kind == OrganizationKind.SOCIAL_WORK_AGENCY
                and can_view_people
                else []
            ),
            "search_form": search_form,
            "candidates": candidates,
        },
    )


def _organization_form_page(request, community, organization=None):
    form = OrganizationForm(request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        fields = {
            name: form.cleaned_data[name] for name in services.ORGANIZATION_FIELDS
        }
        try:
            if organization is None:
                organization = services.organization_create(
                    community=community, **fields
                )
            else:
                organization = services.organization_update(
                    organization=organization, **fields
                )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(organization)
    return render(
        request,
        "residents/organization_form.html",
        {"community": community, "form": form, "organization": organization},
    )


@community_view("residents.manage_organizations")
def organization_create(request, community):
    return _organization_form_page(request, community)


@community_view("residents.manage_organizations")
def organization_edit(request, community, pk):
    organization = get_object_or_404(Organization, community=community, pk=pk)
    return _organization_form_page(request, community, organization)


@require_POST
@community_view("residents.manage_organizations")
def organization_member_add(request, community, pk):
    organization = get_object_or_404(Organization, community=community, pk=pk)
    resident = get_object_or_404(
        Resident, community=community, pk=int_or_none(request.POST.get("resident"))
    )
    services.organization_member_add(organization=organization, resident=resident)
    messages.success(
        request,
        _("%(name)s joined %(organization)s.")
        % {"name": resident.name, "organization": organization.name},
    )
    return redirect(organization)


@require_POST
@community_view("residents.manage_organizations")
def organization_member_remove(request, community, pk, resident_pk):
    organization = get_object_or_404(Organization, community=community, pk=pk)
    resident = get_object_or_404(Resident, community=community, pk=resident_pk)
    services.organization_member_remove(organization=organization, resident=resident)
    messages.success(
        request,
        _("%(name)s is no longer a member of %(organization)s.")
        % {"name": resident.name, "organization": organization.name},
    )
    return redirect(organization)


# -- import ------------------------------------------------------------------


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


@community_view("residents.import_residents")
def import_detail(request, community, pk):
    resident_import = _import_for(community, pk)
    report_page = Paginator(resident_import.report, 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "residents/import_detail.html",
        {
            "community": community,
            "resident_import": resident_import,
            "report_page": report_page,
            # Labels in the viewer's language, not the uploader's.
            "mapped_columns": [
                {**c, "label": FIELDS[c["field"]][0]}
                for c in resident_import.columns
                if c["field"] in FIELDS
            ],
            "ignored_columns": [c for c in resident_import.columns if not c["field"]],
        },
    )


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
    try:
        services.resident_import_confirm(resident_import=resident_import)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(resident_import)


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


# -- my profile --------------------------------------------------------------


@login_required
def profile(request):
    user = request.user
    form = ContactForm(
        request.POST or None,
        initial={
            "mobile": user.mobile or "",
            "email": user.email,
            "language": user.language,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.user_contact_update(user=user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            language = form.cleaned_data["language"]
            translation.activate(language)
            messages.success(request, _("Your details were saved."))
            response = redirect("profile")
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite="Lax",
            )
            return response
    return render(
        request,
        "residents/profile.html",
        {
            "form": form,
            "memberships": selectors.memberships_for_user(user=user),
            "resident_records": selectors.resident_records_for_user(user=user),
        },
    )


@never_cache
@login_required
def password_set(request):
    """Choose a new password: required after logging in with a one-time code."""
    # After a one-time code the old password is the code itself: do not ask for it.
    form_class = (
        ChosenPasswordForm
        if request.user.must_change_password
        else ChosenPasswordChangeForm
    )
    form = form_class(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        messages.success(request, _("Your new password is set."))
        return redirect(reverse("home"))
    return render(
        request,
        "residents/password_set.html",
        {"form": form, "required": request.user.must_change_password},
    )
