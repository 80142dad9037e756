from django.contrib.admin.apps import AdminConfig


class SuperuserAdminConfig(AdminConfig):
    """django.contrib.admin with a site open to superusers only (config.admin.SuperuserAdminSite)."""

    default_site = "config.admin.SuperuserAdminSite"
