"""Form helpers: service errors onto forms, and date inputs kept in a sane range."""

from datetime import date, datetime, time, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .display import format_day

# No record of the app's kind is older than this; earlier input is a typo.
EARLIEST_DATE = date(2000, 1, 1)
# A small allowance for a phone whose clock runs a little fast.
CLOCK_SKEW = timedelta(minutes=5)


def apply_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form, by field where the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class _RangeMixin:
    """Refuse a value outside [earliest, today + ahead] while parsing it.

    The check runs on the wall-clock value before anything converts it to UTC
    or adds to it, so 0001-01-01 or 9999-12-31 give a form error, never an
    overflow later (or a row that breaks every page that shows it).
    `ahead=timedelta(0)` means "not in the future".
    """

    def __init__(self, *, ahead: timedelta, earliest: date = EARLIEST_DATE, **kwargs):
        self.ahead = ahead
        self.earliest = earliest
        super().__init__(**kwargs)

    def _check_range(self, value, earliest, latest):
        if value < earliest:
            raise ValidationError(
                _("Enter a date from %(earliest)s on."),
                code="too_early",
                params={"earliest": format_day(self.earliest)},
            )
        if value > latest:
            if self.ahead <= CLOCK_SKEW:
                raise ValidationError(
                    _("This cannot be in the future."), code="in_future"
                )
            latest_day = latest.date() if isinstance(latest, datetime) else latest
            raise ValidationError(
                _("Enter a date no later than %(latest)s."),
                code="too_late",
                params={"latest": format_day(latest_day)},
            )


class BoundedDateTimeField(_RangeMixin, forms.DateTimeField):
    def to_python(self, value):
        try:
            result = super().to_python(value)
        except OverflowError:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid"
            ) from None
        if result is None:
            return None
        ahead = max(self.ahead, CLOCK_SKEW)
        self._check_range(
            result.replace(tzinfo=None),
            datetime.combine(self.earliest, time.min),
            timezone.localtime().replace(tzinfo=None) + ahead,
        )
        return result


class BoundedDateField(_RangeMixin, forms.DateField):
    def to_python(self, value):
        result = super().to_python(value)
        if result is None:
            return None
        try:
            latest = timezone.localdate() + self.ahead
        except OverflowError:
            latest = date.max
        self._check_range(result, self.earliest, latest)
        return result
