"""Turn a service's ValidationError into form errors."""

from django.core.exceptions import ValidationError


def apply_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form, by field where the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
