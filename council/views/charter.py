"""Council pages: the council, its rules (charter), seat kinds and seats."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.display import next_local_midnight
from core.forms import apply_service_errors
from core.fragments import Expiring
from core.params import int_or_none
from residents.access import community_view
from residents.predicates import viewer_key

from .. import services
from ..forms import (
    CharterForm,
    SeatAssignForm,
    SeatEndForm,
    SeatKindFormSet,
    SeatReplaceForm,
)
from ..models import (
    Seat,
)
from ..selectors import COMMUNITY_COUNCIL, council_page
from .common import council_or_404

# -- council, charter and seats ------------------------------------------------

# The council page's first pages of former seats are kept (COMMUNITY_COUNCIL).
KEPT_PAGES = 10


@community_view("council.view_council")
def council_home(request, community):
    """The council; ?kind= opens one seat kind's fold (htmx asks for it alone)."""
    open_kind = int_or_none(request.GET.get("kind"))
    former_page = int_or_none(request.GET.get("page")) or 1
    kind_page = int_or_none(request.GET.get("kind_page")) or 1

    def context():
        council = council_or_404(community)
        data = council_page(
            council=council,
            former_page=former_page,
            open_kind=open_kind,
            kind_page=kind_page,
        )
        return {"community": community, "council": council, **data}

    if request.htmx and open_kind is not None:
        page = context()
        row = next((r for r in page["kind_rows"] if r["kind"].pk == open_kind), None)
        if row is None:
            raise Http404
        return render(
            request, "council/partials/_kind_seats.html", {**page, "row": row}
        )

    def build():
        page = context()
        html = render_to_string("council/partials/_council_body.html", page, request)
        kept = {"title": page["council"].display_name, "html": html}
        return Expiring(kept, next_local_midnight())

    if open_kind is None and kind_page == 1 and former_page <= KEPT_PAGES:
        variant = (
            community.slug,
            get_language(),
            *viewer_key(request.user, community),
            former_page,
        )
        kept = COMMUNITY_COUNCIL.get_or_build(str(community.pk), variant, build)
    else:
        kept = build().value
    return render(
        request,
        "council/council.html",
        {
            "community": community,
            "title": kept["title"],
            "body": mark_safe(kept["html"]),  # noqa: S308 - rendered by a template
        },
    )


@community_view("council.manage_council")
def charter_edit(request, community):
    council = council_or_404(community)
    form = CharterForm(request.POST or None, instance=council)
    if request.method == "POST" and form.is_valid():
        try:
            services.council_update_charter(
                council=council, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The council rules were saved."))
            return redirect("council:council", community=community.slug)
    return render(
        request,
        "council/charter_form.html",
        {"community": community, "council": council, "form": form},
    )


@community_view("council.manage_council")
def seat_kinds_edit(request, community):
    council = council_or_404(community)
    formset = SeatKindFormSet(
        request.POST or None,
        queryset=council.seat_kinds.order_by("position", "pk"),
    )
    if request.method == "POST" and formset.is_valid():
        failed = False
        for form in formset.forms:
            try:
                services.seat_kind_update(
                    kind=form.instance,
                    by=request.user,
                    name=form.cleaned_data["name"],
                    position=form.cleaned_data["position"],
                    seat_count=form.cleaned_data["seat_count"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
                failed = True
        if not failed:
            messages.success(request, _("The seat kinds were saved."))
            return redirect("council:council", community=community.slug)
    return render(
        request,
        "council/seat_kinds_form.html",
        {"community": community, "council": council, "formset": formset},
    )


@community_view("council.manage_council")
def seat_assign(request, community):
    council = council_or_404(community)
    initial = {"kind": request.GET.get("kind")}
    form = SeatAssignForm(
        request.POST or None, council=council, community=community, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            seat = services.seat_assign(
                council=council, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s now holds a seat: %(kind)s")
                % {"name": seat.resident.name, "kind": seat.kind.label},
            )
            return redirect("council:council", community=community.slug)
    return render(
        request,
        "council/seat_form.html",
        {"community": community, "form": form, "title": _("Assign a seat")},
    )


def _seat(community, pk) -> Seat:
    return get_object_or_404(
        Seat.objects.select_related("kind", "resident", "alternate", "organization"),
        pk=pk,
        council__community=community,
    )


@community_view("council.manage_council")
def seat_end(request, community, pk):
    seat = _seat(community, pk)
    form = SeatEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.seat_end(seat=seat, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The seat was ended."))
            return redirect("council:council", community=community.slug)
    return render(
        request,
        "council/seat_form.html",
        {"community": community, "form": form, "seat": seat, "title": _("End a seat")},
    )


@community_view("council.manage_council")
def seat_replace(request, community, pk):
    seat = _seat(community, pk)
    form = SeatReplaceForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        try:
            services.seat_replace(seat=seat, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The seat was handed over."))
            return redirect("council:council", community=community.slug)
    return render(
        request,
        "council/seat_form.html",
        {
            "community": community,
            "form": form,
            "seat": seat,
            "title": _("Replace a representative"),
        },
    )
