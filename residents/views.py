from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.display import format_when
from core.forms import apply_service_errors
from core.home import home_sections
from core.params import int_or_none, query_text
from core.public import public_sections

from . import selectors, services
from .access import community_view
from .forms import (
    ChosenPasswordChangeForm,
    ChosenPasswordForm,
    ContactForm,
    ImportColumnsForm,
    ImportConfirmForm,
    ImportUploadForm,
    LoginForm,
    MemberSearchForm,
    OrganizationForm,
    ResidentForm,
    TextedCodeForm,
)
from .importing import field_label, report_csv, template_csv
from .mobile import mask_mobile
from .models import (
    Community,
    Organization,
    OrganizationKind,
    Resident,
    ResidentImport,
)
from .predicates import login_is_community_only
from .selectors import communities_for_user, organizations_by_kind

PAGE_SIZE = getattr(settings, "PAGE_SIZE", 25)


def _get_or_404(queryset, **lookup):
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def home(request):
    """Logged out: the communities' public pages and the login. Logged in: send a
    user with one community straight to it; otherwise list them.

    Records waiting for the person's confirmation are shown first, so they stay here.
    """
    if not request.user.is_authenticated:
        return _landing(request)
    communities = list(communities_for_user(request.user))
    links = selectors.login_links_waiting_for(user=request.user)
    if len(communities) == 1 and not links:
        return redirect(communities[0])
    context = {"communities": communities, "login_links": links, "is_superuser": False}
    if not communities and request.user.is_superuser:
        # The administrator belongs to no community but may open every one.
        query = request.GET.get("q", "").strip()[:100]
        context.update(
            is_superuser=True,
            query=query,
            filter_query=urlencode({"q": query}) if query else "",
            page=Paginator(
                selectors.community_directory(query=query), PAGE_SIZE
            ).get_page(request.GET.get("page")),
        )
    return render(request, "residents/home.html", context)


def _landing(request):
    query = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.community_directory(query=query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "residents/landing.html",
        {
            "page": page,
            "query": query,
            "filter_query": urlencode({"q": query}) if query else "",
        },
    )


def community_public(request, community):
    """What anyone may see of the community, without logging in (see core.public)."""
    community_obj = get_object_or_404(
        Community.objects.select_related("district"), slug=community
    )
    request.community = community_obj
    return render(
        request,
        "residents/community_public.html",
        {
            "community": community_obj,
            "sections": public_sections(request=request, community=community_obj),
            "login_url": f"{reverse('login')}?"
            + urlencode({"next": community_obj.get_absolute_url()}),
        },
    )


def community_home(request, community):
    """Members see the community's home; visitors who are logged out its public page."""
    if not request.user.is_authenticated:
        return redirect("residents:community_public", community=community)
    return _community_home(request, community)


@community_view("residents.view_community")
def _community_home(request, community):
    can_see_counts = request.user.has_perm("residents.view_resident_counts", community)
    summary = None
    if can_see_counts:  # counts of vulnerable residents: for staff, not residents
        summary = selectors.community_summary(stats=_stats(community))
    return render(
        request,
        "residents/community_home.html",
        {
            "community": community,
            "summary": summary,
            "organizations_by_kind": organizations_by_kind(community=community),
            "sections": home_sections(request=request, community=community),
        },
    )


# -- residents ---------------------------------------------------------------


def _stats(community):
    """The kept resident counts; counted once now if the community has none yet."""
    return selectors.community_stats(
        community=community
    ) or services.community_stats_refresh(community_id=community.pk)


class _CountedPaginator(Paginator):
    """A paginator told its count (the kept one), so it never runs COUNT(*)."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # Paginator.count is a cached_property


@community_view("residents.view_residents")
def resident_list(request, community):
    query = query_text(request.GET, "q")
    tag = request.GET.get("tag", "")
    if tag not in selectors.RESIDENT_TAGS:
        tag = ""
    stats = _stats(community)
    buildings = selectors.resident_buildings(stats=stats)
    building = request.GET.get("building", "")
    if building not in buildings:
        building = ""
    residents = selectors.resident_list(
        community=community,
        query=query,
        tag=tag,
        building=building,
        by_mobile=request.user.has_perm("residents.view_contact_details", community),
    )
    if query or tag or building:
        paginator = Paginator(residents, PAGE_SIZE)
    else:  # everyone: the kept count, not COUNT(*) over the community
        paginator = _CountedPaginator(residents, PAGE_SIZE, count=stats.residents)
    page = paginator.get_page(request.GET.get("page"))
    tags = [
        (name, Resident._meta.get_field(name).verbose_name)
        for name in selectors.RESIDENT_TAGS
    ]
    filters = {
        k: v for k, v in {"q": query, "tag": tag, "building": building}.items() if v
    }
    return render(
        request,
        "residents/resident_list.html",
        {
            "community": community,
            "page": page,
            "page_numbers": page.paginator.get_elided_page_range(
                page.number, on_each_side=2, on_ends=1
            ),
            "query": query,
            "tag": tag,
            "building": building,
            "buildings": buildings,
            # Past a few dozen buildings a drop-down is longer than the page.
            "building_choices": buildings if len(buildings) <= 60 else None,
            "filter_query": urlencode(filters),
            "filter_params": list(filters.items()),
            "tags": tags,
        },
    )


@community_view("residents.view_residents")
def resident_detail(request, community, pk):
    resident = _get_or_404(
        selectors.with_pending_login_link(Resident.objects.filter(community=community))
        .select_related("user")
        .prefetch_related("organizations"),
        pk=pk,
    )
    can_manage = request.user.has_perm("residents.manage_residents", community)
    login_state = selectors.resident_login_state(resident=resident)
    return render(
        request,
        "residents/resident_detail.html",
        {
            "community": community,
            "resident": resident,
            "login_state": login_state,
            "can_give_code": can_manage
            and (
                login_state != selectors.LOGIN_ACTIVE
                or login_is_community_only(resident.user, community)
            ),
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


def _code_page(request, community, resident, one_time_code):
    response = render(
        request,
        "residents/one_time_code.html",
        {
            "community": community,
            "resident": resident,
            "one_time_code": one_time_code,
            "valid_until": format_when(one_time_code.expires_at),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_POST
@community_view("residents.manage_residents")
def resident_login_create(request, community, pk):
    resident = get_object_or_404(Resident, community=community, pk=pk)
    try:
        one_time_code = services.resident_login_create(
            resident=resident, created_by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(resident)
    return _code_page(request, community, resident, one_time_code)


@never_cache
@require_POST
@community_view("residents.manage_residents")
def resident_password_reset(request, community, pk):
    resident = get_object_or_404(Resident, community=community, pk=pk)
    try:
        one_time_code = services.resident_password_reset(
            resident=resident, created_by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(resident)
    return _code_page(request, community, resident, one_time_code)


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
            change = services.user_profile_update(user=user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            language = form.cleaned_data["language"]
            translation.activate(language)
            if change is not None:
                messages.info(
                    request,
                    _(
                        "We sent a code to %(mobile)s. Enter it below to start using "
                        "the new number."
                    )
                    % {"mobile": mask_mobile(change.mobile)},
                )
                response = redirect("mobile_change_confirm")
            else:
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
            "login_links": selectors.login_links_waiting_for(user=user),
            "mobile_change": selectors.mobile_change_waiting(user=user),
        },
    )


@never_cache
@login_required
def mobile_change_confirm(request):
    """Enter the code texted to the new number; then the number is the person's."""
    change = selectors.mobile_change_waiting(user=request.user)
    if change is None:
        messages.info(
            request, _("No new mobile number is waiting for a code. Enter it again.")
        )
        return redirect("profile")
    form = TextedCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_mobile_change_confirm(
                change=change, user=request.user, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("You now log in with %(mobile)s.") % {"mobile": change.mobile},
            )
            return redirect("profile")
    return render(
        request,
        "residents/mobile_change_confirm.html",
        {"form": form, "change": change},
    )


@require_POST
@login_required
def mobile_change_resend(request):
    change = selectors.mobile_change_waiting(user=request.user)
    if change is None:
        return redirect("profile")
    try:
        services.user_mobile_change_start(user=request.user, mobile=change.mobile)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.info(
            request,
            _("We sent a new code to %(mobile)s.")
            % {"mobile": mask_mobile(change.mobile)},
        )
    return redirect("mobile_change_confirm")


def _waiting_link_or_404(request, pk):
    for link in selectors.login_links_waiting_for(user=request.user):
        if link.pk == pk:
            return link
    raise Http404


@never_cache
@login_required
def login_link_confirm(request, pk):
    """The owner of a login adds a resident record to it, with the texted code."""
    link = _waiting_link_or_404(request, pk)
    form = TextedCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            resident = services.login_link_accept(
                link=link, user=request.user, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Your login now also opens %(community)s.")
                % {"community": resident.community.name},
            )
            return redirect(resident.community)
    return render(
        request, "residents/login_link_confirm.html", {"form": form, "link": link}
    )


@require_POST
@login_required
def login_link_decline(request, pk):
    link = _waiting_link_or_404(request, pk)
    services.login_link_decline(link=link, user=request.user)
    messages.success(
        request,
        _("Thank you. The record in %(community)s stays apart from your login.")
        % {"community": link.resident.community.name},
    )
    return redirect("profile")


def login_paused(request, original_response=None, credentials=None):
    """The login page (the site's or the admin's) while django-axes pauses logins.

    Called by axes' middleware instead of its bare lockout text: the same page
    with what was typed, and the reason in the person's language.
    """
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = ngettext(
        "Too many wrong passwords. For your safety, logging in with this name is "
        "paused for %(minutes)d minute. Try again then, or ask your community "
        "staff for help.",
        "Too many wrong passwords. For your safety, logging in with this name is "
        "paused for %(minutes)d minutes. Try again then, or ask your community "
        "staff for help.",
        minutes,
    ) % {"minutes": minutes}
    context = dict(getattr(original_response, "context_data", None) or {})
    template_name = getattr(original_response, "template_name", None)
    form = context.get("form")
    if form is None or not template_name:
        # Not from a login page: show the site's, with the name typed (unchecked).
        template_name = "registration/login.html"
        form = LoginForm(
            request, initial={"username": request.POST.get("username", "")}
        )
    form.errors[NON_FIELD_ERRORS] = form.error_class([message])
    context["form"] = form
    response = TemplateResponse(
        request, template_name, context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
    return response.render()


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
