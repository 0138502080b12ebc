from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "council"
    verbose_name = _("Council")

    def ready(self):
        from residents.services import on_community_created

        from . import home, public
        from .services import council_create

        home.register()
        public.register()
        # Every community has its council from the start: pages only read it.
        on_community_created(council_create)
