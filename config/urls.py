from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static as static_url
from django.urls import include, path

from residents import views as resident_views

from .health import healthz


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links to."""
    return HttpResponsePermanentRedirect(static_url("favicon.ico"))


urlpatterns = [
    path("", resident_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("residents.urls_accounts")),
    path("admin/", admin.site.urls),
    path("inbox/", include("notifications.urls")),
    path("c/<slug:community>/", include("residents.urls")),
    path("c/<slug:community>/topics/", include("topics.urls")),
    path("c/<slug:community>/council/", include("council.urls")),
    path("c/<slug:community>/votes/", include("voting.urls")),
    path("c/<slug:community>/outcomes/", include("outcomes.urls")),
    path("", include("reports.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
