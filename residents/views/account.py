"""A user's own account: profile, mobile change, login links, password, login pause."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.forms import apply_service_errors

from .. import selectors, services
from ..forms import (
    ChosenPasswordChangeForm,
    ChosenPasswordForm,
    ContactForm,
    LoginForm,
    TextedCodeForm,
)
from ..mobile import mask_mobile


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
