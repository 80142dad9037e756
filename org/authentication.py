"""DRF token authentication with an expiry (OWASP ASVS 3.5): see org.services.accounts."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from org.services import accounts

MSG_TOKEN_EXPIRED = _("The API token has expired; request a new one.")


class ExpiringTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`, refused with 401 once the token is older than API_TOKEN_TTL."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if accounts.token_is_expired(token):
            raise exceptions.AuthenticationFailed(MSG_TOKEN_EXPIRED)
        return user, token
