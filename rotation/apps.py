from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RotationConfig(AppConfig):
    name = "rotation"
    verbose_name = _("Rotation")

    def ready(self):
        from org import hooks
        from rotation.sections import staff_rotation_section

        hooks.staff_section(staff_rotation_section)
