from django import template

register = template.Library()


@register.filter
def chart_rows(chart: dict) -> list[tuple[str, list]]:
    """The chart's numbers as table rows: (label, [value of each series])."""
    return [
        (label, [series["values"][i] for series in chart["series"]])
        for i, label in enumerate(chart["labels"])
    ]


@register.filter
def percent(value) -> str:
    return "–" if value is None else f"{value}%"


@register.filter
def figure(value) -> str:
    return "–" if value is None else str(value)


@register.filter
def get(mapping: dict, key):
    return (mapping or {}).get(key)
