"""Inbox, preferences, failed deliveries and the notice board. Thin: parse, check,
call a service or selector, render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.fragments import KEPT_CSRF_TOKEN, with_own_csrf_token
from core.http import safe_next
from core.params import kept_page
from residents.access import community_view
from residents.models import Resident

from . import selectors, services
from .forms import PreferenceForm, ResidentPreferenceForm
from .models import Delivery, DeliveryStatus, Notification, NotificationPreference

CHANGED = "notifications-changed"
# How many of the inbox's first pages are kept rendered (selectors.INBOX_PAGES).
KEPT_INBOX_PAGES = 5
BOARD_DAYS = (7, 14, 30)


@login_required
def inbox(request):
    number = request.GET.get("page")

    def build() -> str:
        page = Paginator(selectors.inbox_for_user(request.user), settings.PAGE_SIZE)
        context = {
            "page_obj": page.get_page(number),
            "unread": selectors.unread_count(request.user),
            "csrf_token": KEPT_CSRF_TOKEN,
        }
        return render_to_string(
            "notifications/partials/_inbox_list.html", context, request
        )

    # Kept: the pages the links lead to (?page=N, the first pages). Anything
    # else is built for its reader alone, so no one fills the cache.
    if kept_page(request.GET, kept=KEPT_INBOX_PAGES):
        variant = (get_language(), request.get_full_path())
        body = selectors.INBOX_PAGES.get_or_build(str(request.user.pk), variant, build)
    else:
        body = build()
    return render(
        request,
        "notifications/inbox.html",
        {"body": with_own_csrf_token(body, request)},
    )


def badge(request):
    """The navigation's inbox link with its unread count (polled by htmx).

    After the session has ended, answer 286 (htmx: stop polling) with nothing, so
    a login page is never swapped into the navigation bar.
    """
    if not request.user.is_authenticated:
        return HttpResponse("", status=286)
    return render(request, "notifications/partials/_nav_inbox.html")


@login_required
@require_POST
def mark_read(request, pk: int):
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    services.notification_mark_read(notification=notification, user=request.user)
    if request.htmx:
        response = render(
            request, "notifications/partials/_inbox_item.html", {"n": notification}
        )
        response["HX-Trigger"] = CHANGED
        return response
    return redirect(safe_next(request, reverse("notifications:inbox")))


@login_required
@require_POST
def mark_all_read(request):
    count = services.notifications_mark_all_read(user=request.user)
    message = ngettext(
        "%(count)d notification marked read.",
        "%(count)d notifications marked read.",
        count,
    ) % {"count": count}
    if request.htmx:
        page_obj = Paginator(
            selectors.inbox_for_user(request.user), settings.PAGE_SIZE
        ).get_page(request.POST.get("page"))
        response = render(
            request,
            "notifications/partials/_inbox_list.html",
            {"page_obj": page_obj, "unread": 0, "flash": message},
        )
        response["HX-Trigger"] = CHANGED
        return response
    messages.success(request, message)
    return redirect(safe_next(request, reverse("notifications:inbox")))


@login_required
def open_notification(request, pk: int):
    """Mark the notification read and go where it points."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    services.notification_mark_read(notification=notification, user=request.user)
    link = notification.link
    if link and url_has_allowed_host_and_scheme(
        link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(link)
    return redirect("notifications:inbox")


def _preference_form(request, pref: NotificationPreference, form_class=PreferenceForm):
    if request.method == "POST":
        return form_class(request.POST)
    return form_class(initial=form_class.initial_from(pref))


@login_required
def preferences(request):
    pref = (
        NotificationPreference.objects.filter(user=request.user).first()
        or NotificationPreference()
    )
    form = _preference_form(request, pref)
    if request.method == "POST" and form.is_valid():
        services.preference_save(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your notification settings were saved."))
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "has_email": bool(request.user.email),
            "has_mobile": bool(request.user.mobile),
        },
    )


@community_view("notifications.manage_resident_preferences")
def resident_preferences(request, community, pk: int):
    resident = get_object_or_404(Resident, community=community, pk=pk)
    pref = (
        NotificationPreference.objects.filter(resident=resident).first()
        or NotificationPreference()
    )
    form = _preference_form(request, pref, ResidentPreferenceForm)
    if request.method == "POST" and not resident.user_id and form.is_valid():
        try:
            services.preference_save(
                resident=resident, email_enabled=True, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Notification settings of %(name)s were saved.")
                % {"name": resident.name},
            )
            return redirect(
                "notifications:resident_preferences",
                community=community.slug,
                pk=resident.pk,
            )
    return render(
        request,
        "notifications/resident_preferences.html",
        {"community": community, "resident": resident, "form": form},
    )


FAILED_SHOWN_ABOVE = 5


@community_view("notifications.view_deliveries")
def deliveries(request, community):
    """Opens on what is waiting (and when each will go); failed ones stand out."""
    status = request.GET.get("status") or DeliveryStatus.PENDING
    if status not in DeliveryStatus.values:
        status = DeliveryStatus.PENDING
    page_obj = Paginator(
        selectors.deliveries_for_community(community, status=status),
        settings.PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    counts = selectors.delivery_counts_for_community(community)
    failed = []
    if status != DeliveryStatus.FAILED and counts[DeliveryStatus.FAILED]:
        failed = list(
            selectors.deliveries_for_community(community, status=DeliveryStatus.FAILED)[
                :FAILED_SHOWN_ABOVE
            ]
        )
    # Waiting first, failed next: the tabs staff need most.
    first = [DeliveryStatus.PENDING, DeliveryStatus.FAILED]
    statuses = [(value, DeliveryStatus(value).label) for value in first] + [
        (value, label) for value, label in DeliveryStatus.choices if value not in first
    ]
    return render(
        request,
        "notifications/deliveries.html",
        {
            "community": community,
            "page_obj": page_obj,
            "status": status,
            "status_label": DeliveryStatus(status).label,
            "counts": counts,
            "failed_count": counts[DeliveryStatus.FAILED],
            "failed": failed,
            "statuses": statuses,
            "now": timezone.now(),
            "quiet_from": f"{settings.NOTIFICATIONS_QUIET_HOURS[0]:02d}:00",
            "quiet_until": f"{settings.NOTIFICATIONS_QUIET_HOURS[1]:02d}:00",
        },
    )


@community_view("notifications.retry_deliveries")
@require_POST
def delivery_retry(request, community, pk: int):
    delivery = get_object_or_404(
        Delivery.objects.for_community(community).select_related("notification"),
        pk=pk,
    )
    try:
        delivery = services.delivery_retry(delivery=delivery)
    except ValidationError as exc:
        error = " ".join(exc.messages)
        if request.htmx:
            return render(
                request,
                "notifications/partials/_delivery_row.html",
                {
                    "d": delivery,
                    "community": community,
                    "error": error,
                    "now": timezone.now(),
                },
            )
        messages.error(request, error)
    else:
        if request.htmx:
            return render(
                request,
                "notifications/partials/_delivery_row.html",
                {
                    "d": delivery,
                    "community": community,
                    "retried": True,
                    "now": timezone.now(),
                },
            )
        messages.success(request, _("The delivery will be tried again now."))
    return redirect(
        safe_next(
            request,
            reverse("notifications:deliveries", kwargs={"community": community.slug}),
        )
    )


@community_view("notifications.retry_deliveries")
@require_POST
def deliveries_retry_all(request, community):
    count = services.deliveries_retry_failed(community=community)
    messages.success(
        request,
        ngettext(
            "%(count)d failed delivery will be tried again now.",
            "%(count)d failed deliveries will be tried again now.",
            count,
        )
        % {"count": count},
    )
    return redirect("notifications:deliveries", community=community.slug)


@community_view("notifications.print_notice_board")
def notice_board(request, community):
    try:
        days = int(request.GET.get("days", 14))
    except ValueError:
        days = 14
    if days not in BOARD_DAYS:
        days = 14
    notices = selectors.notices_for_board(community, days=days, language=get_language())
    community_url = request.build_absolute_uri(community.get_absolute_url())
    items = [
        {
            "notice": n,
            "url": request.build_absolute_uri(n.link) if n.link else community_url,
        }
        for n in notices
    ]
    return render(
        request,
        "notifications/notice_board.html",
        {
            "community": community,
            "items": items,
            "days": days,
            "day_choices": BOARD_DAYS,
        },
    )
