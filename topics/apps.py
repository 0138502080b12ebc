from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TopicsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "topics"
    verbose_name = _("Topics")

    def ready(self):
        from residents.selectors import read_with_own_resident

        from . import home

        home.register()
        # The topic list and the submit form show the reader's reminder toggle.
        read_with_own_resident("topic_reminder_opt_in")
