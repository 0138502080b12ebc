"""The real site plus a bare page, for bench_voting.py.

The bare page goes through the same middleware and gunicorn as the cast page, so
the ratio of the two says what casting a ballot costs above Django itself.
"""

from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare),
    path("", include("config.urls")),
]
