"""Pledged resources (认捐/众筹): what is needed, who pledged what, what arrived."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from residents.models import Organization, Resident
from residents.predicates import is_staff_or_social_worker

from ..models import (
    Outcome,
    OutcomeStatus,
    Pledge,
    PledgeNeed,
    PledgeReceipt,
    PledgeStatus,
)
from ..selectors import OUTCOME_PAGES
from .common import locked_outcome, require_text, same_community


def _positive(value, field: str) -> int:
    try:
        value = int(value)
    except (TypeError, ValueError):
        value = 0
    if value < 1:
        raise ValidationError({field: _("Give a number of at least 1.")})
    return value


def _locked_need(need: PledgeNeed) -> PledgeNeed:
    return (
        PledgeNeed.objects.select_for_update(of=("self",))
        .select_related("outcome", "community")
        .get(pk=need.pk)
    )


def _recount(need: PledgeNeed) -> PledgeNeed:
    """Recompute the need's totals from its pledges (called with the need locked)."""
    active = ~Q(status=PledgeStatus.WITHDRAWN)
    totals = Pledge.objects.filter(need=need).aggregate(
        pledged=Sum("quantity", filter=active),
        received=Sum("received_quantity"),
        count=Count("pk", filter=active),
    )
    need.pledged_total = totals["pledged"] or 0
    need.received_total = totals["received"] or 0
    need.pledge_count = totals["count"]
    need.save(update_fields=["pledged_total", "received_total", "pledge_count"])
    OUTCOME_PAGES.changed(str(need.outcome_id))
    return need


@transaction.atomic
def pledge_need_add(
    *, outcome: Outcome, by, description: str, unit: str, quantity: int
) -> PledgeNeed:
    """Say what the outcome needs: e.g. 300 children's books, 2,000 yuan, 8 volunteers."""
    outcome = locked_outcome(outcome)
    description = require_text(
        description, "description", _("Say what is needed."), limit=200
    )
    unit = require_text(unit, "unit", _("Give the unit, e.g. books or yuan."), limit=20)
    last = PledgeNeed.objects.filter(outcome=outcome).order_by("-position").first()
    OUTCOME_PAGES.changed(str(outcome.pk))
    return PledgeNeed.objects.create(
        outcome=outcome,
        community=outcome.community,
        description=description,
        unit=unit,
        quantity=_positive(quantity, "quantity"),
        position=(last.position + 1) if last else 0,
        created_by=by,
    )


@transaction.atomic
def pledge_make(
    *,
    need: PledgeNeed,
    by,
    quantity: int,
    note: str = "",
    resident: Resident | None = None,
    organization: Organization | None = None,
) -> Pledge:
    """Pledge part of what is needed, as oneself or (staff) for someone offline.

    A resident pledges for themself; staff and social workers record pledges made
    offline by a resident or an organisation. A pledge never goes beyond what is
    still missing. Locks the need row, so two pledges for the last books cannot
    both be taken.
    """
    need = _locked_need(need)
    community = need.community
    if need.outcome.status == OutcomeStatus.IMPLEMENTED:
        raise ValidationError(
            _("This outcome has been carried out; pledges are closed.")
        )
    if (resident is None) == (organization is None):
        raise ValidationError(
            {"pledger": _("Choose who pledges: a resident or an organisation.")}
        )
    same_community(community, resident, organization)
    is_self = resident is not None and resident.user_id and resident.user_id == by.pk
    on_behalf = not is_self
    if on_behalf and not is_staff_or_social_worker(by, community):
        raise ValidationError(_("You can pledge only for yourself."))
    quantity = _positive(quantity, "quantity")
    if need.missing == 0:
        raise ValidationError(
            {"quantity": _("Everything needed has been pledged already. Thank you!")}
        )
    if quantity > need.missing:
        raise ValidationError(
            {
                "quantity": _("Only %(n)d %(unit)s are still needed.")
                % {"n": need.missing, "unit": need.unit}
            }
        )
    pledge = Pledge.objects.create(
        need=need,
        community=community,
        resident=resident,
        organization=organization,
        quantity=quantity,
        note=(note or "").strip()[:300],
        on_behalf=on_behalf,
        recorded_by=by,
    )
    _recount(need)
    return pledge


@transaction.atomic
def pledge_withdraw(*, pledge: Pledge, by) -> Pledge:
    """Take back a pledge nothing of which has been received yet."""
    need = _locked_need(pledge.need)
    pledge = (
        Pledge.objects.select_for_update(of=("self",))
        .select_related("resident")
        .get(pk=pledge.pk)
    )
    own = pledge.resident_id and pledge.resident.user_id == by.pk
    if not own and not is_staff_or_social_worker(by, need.community):
        raise ValidationError(_("You can withdraw only your own pledge."))
    if pledge.received_quantity:
        raise ValidationError(
            _("Part of this pledge has been received; it can no longer be withdrawn.")
        )
    if pledge.status != PledgeStatus.WITHDRAWN:
        pledge.status = PledgeStatus.WITHDRAWN
        pledge.save(update_fields=["status"])
        _recount(need)
    return pledge


@transaction.atomic
def pledge_receive(
    *,
    pledge: Pledge,
    by,
    quantity: int,
    received_on: date | None = None,
    note: str = "",
) -> PledgeReceipt:
    """Record what arrived of a pledge, and when (staff and social workers)."""
    need = _locked_need(pledge.need)
    if not is_staff_or_social_worker(by, need.community):
        raise ValidationError(
            _("Only staff and social workers record what was received.")
        )
    pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    if pledge.status == PledgeStatus.WITHDRAWN:
        raise ValidationError(_("This pledge was withdrawn."))
    quantity = _positive(quantity, "quantity")
    if quantity > pledge.outstanding:
        raise ValidationError(
            {
                "quantity": _("Only %(n)d %(unit)s of this pledge are still to come.")
                % {"n": pledge.outstanding, "unit": need.unit}
            }
        )
    received_on = received_on or timezone.localdate()
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("The date cannot be in the future.")})
    receipt = PledgeReceipt.objects.create(
        pledge=pledge,
        quantity=quantity,
        received_on=received_on,
        note=(note or "").strip()[:300],
        recorded_by=by,
    )
    pledge.received_quantity += quantity
    if pledge.received_quantity == pledge.quantity:
        pledge.status = PledgeStatus.RECEIVED
    pledge.save(update_fields=["received_quantity", "status"])
    _recount(need)
    return receipt
