"""Organisations and their members."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import apply_service_errors
from core.params import int_or_none

from .. import selectors, services
from ..access import community_view
from ..forms import (
    MemberSearchForm,
    OrganizationForm,
)
from ..models import (
    Organization,
    OrganizationKind,
    Resident,
)
from ..selectors import organizations_by_kind

PAGE_SIZE = getattr(settings, "PAGE_SIZE", 25)


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
