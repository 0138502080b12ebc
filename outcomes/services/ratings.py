"""Satisfaction (满意度): one rating per resident per implemented outcome."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.display import format_day
from residents.models import Resident

from ..models import Outcome, OutcomeStatus, SatisfactionRating
from ..selectors import COMMUNITY_OUTCOMES, OUTCOME_PAGES
from .common import locked_outcome

RATING_CHANGE_DAYS = 30


def rating_changeable_until(rating: SatisfactionRating) -> datetime:
    return rating.created_at + timedelta(days=RATING_CHANGE_DAYS)


@transaction.atomic
def rating_submit(
    *,
    outcome: Outcome,
    resident: Resident,
    by,
    score: int,
    comment: str = "",
    now: datetime | None = None,
) -> tuple[SatisfactionRating, bool]:
    """Rate an implemented outcome 1–5, or change one's rating within 30 days.

    Returns (rating, created). Locks the outcome row, so the stored count and sum
    stay equal to the ratings; the unique constraint (outcome, resident) is the
    last word if two requests race.
    """
    now = now or timezone.now()
    outcome = locked_outcome(outcome)
    if resident.community_id != outcome.community_id:
        raise ValidationError(_("Only residents of this community can rate it."))
    if outcome.status != OutcomeStatus.IMPLEMENTED:
        raise ValidationError(
            _("You can rate an outcome once it has been carried out.")
        )
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise ValidationError({"score": _("Choose from 1 to 5 stars.")})
    comment = (comment or "").strip()
    if len(comment) > 500:
        raise ValidationError(
            {"comment": _("Write at most %(n)d characters.") % {"n": 500}}
        )
    rating = (
        SatisfactionRating.objects.select_for_update()
        .filter(outcome=outcome, resident=resident)
        .first()
    )
    if rating is None:
        try:
            with transaction.atomic():
                rating = SatisfactionRating.objects.create(
                    outcome=outcome,
                    resident=resident,
                    score=score,
                    comment=comment,
                    recorded_by=by,
                    created_at=now,
                    updated_at=now,
                )
        except IntegrityError:
            raise ValidationError(_("You have rated this outcome already.")) from None
        outcome.rating_count += 1
        outcome.rating_total += score
        outcome.save(update_fields=["rating_count", "rating_total"])
        COMMUNITY_OUTCOMES.changed(str(outcome.community_id))
        OUTCOME_PAGES.changed(str(outcome.pk))
        return rating, True
    until = rating_changeable_until(rating)
    if now >= until:
        raise ValidationError(
            _(
                "You rated this outcome on %(day)s. A rating can be changed for "
                "%(n)d days, until %(until)s."
            )
            % {
                "day": format_day(rating.created_at),
                "n": RATING_CHANGE_DAYS,
                "until": format_day(until),
            }
        )
    outcome.rating_total += score - rating.score
    outcome.save(update_fields=["rating_total"])
    COMMUNITY_OUTCOMES.changed(str(outcome.community_id))
    OUTCOME_PAGES.changed(str(outcome.pk))
    rating.score = score
    rating.comment = comment
    rating.updated_at = now
    rating.recorded_by = by
    rating.save(update_fields=["score", "comment", "updated_at", "recorded_by"])
    return rating, False
