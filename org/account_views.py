"""Accounts on the product's own pages: log in, change one's password, and a bureau's users (issue 8 points 1, 10).

A bureau sees the accounts it manages (org.accounts: the User scoper), with their roles and last
logins; it creates them with the roles it may grant, deactivates them and resets their passwords.
An initial or reset password is shown once, on the page that answers the POST, never stored in a
message or a cookie.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView, ListView, View
from django.views.generic.detail import SingleObjectMixin
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response

from org import accounts, scope
from org.forms import AccountCreateForm
from org.middleware import MSG_CHANGE_FIRST, SESSION_FLAG
from org.models import Account, UserRole
from org.selectors import history_of
from org.services import accounts as services

User = get_user_model()
MSG_PASSWORD_CHANGED = _("Your password has been changed.")
MSG_DEACTIVATED = _("The account has been deactivated.")
MSG_REACTIVATED = _("The account has been reactivated.")


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if Account.objects.filter(user=form.get_user(), must_change_password=True).exists():
            self.request.session[SESSION_FLAG] = True
        return response


class TokenView(ObtainAuthToken):
    """POST /api/v1/auth/token/: no token for an account that must first change its initial password."""

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        if Account.objects.filter(user=user, must_change_password=True).exists():
            return Response({"detail": str(MSG_CHANGE_FIRST)}, status=403)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.account_password_changed(user=form.user)
        self.request.session.pop(SESSION_FLAG, None)
        messages.success(self.request, MSG_PASSWORD_CHANGED)
        return response


def _with_roles(queryset):
    roles = UserRole.objects.select_related("region", "school").order_by("role")
    return queryset.select_related("account").prefetch_related(Prefetch("roles", queryset=roles))


class BureauOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not accounts.grantable_roles(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class UserListView(LoginRequiredMixin, BureauOnlyMixin, scope.ScopedQuerysetMixin, ListView):
    """The accounts a bureau manages, with roles, state and last login."""

    model = User
    paginate_by = 50
    template_name = "org/user_list.html"

    def narrow(self, queryset):
        return _with_roles(queryset).exclude(pk=self.request.user.pk).order_by("username", "id")


class UserDetailView(LoginRequiredMixin, BureauOnlyMixin, scope.ScopedQuerysetMixin, DetailView):
    model = User
    template_name = "org/user_detail.html"
    context_object_name = "account_user"

    def narrow(self, queryset):
        return _with_roles(queryset).exclude(pk=self.request.user.pk)

    def get_context_data(self, **kwargs):
        account = getattr(self.object, "account", None)
        return super().get_context_data(account=account, history=history_of(account) if account else [], **kwargs)


class UserCreateView(LoginRequiredMixin, BureauOnlyMixin, FormView):
    form_class = AccountCreateForm
    template_name = "org/user_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            user, password = services.account_create(actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
            return self.form_invalid(form)
        return render(self.request, "org/user_password.html", {"account_user": user, "password": password})


class UserActionView(LoginRequiredMixin, BureauOnlyMixin, scope.ScopedQuerysetMixin, SingleObjectMixin, View):
    """POST only: deactivate, reactivate or reset the password of an account the bureau manages."""

    model = User
    http_method_names = ["post"]

    def narrow(self, queryset):
        return queryset.exclude(pk=self.request.user.pk)

    ACTIONS = {"deactivate", "reactivate", "reset-password"}

    def post(self, request, *args, **kwargs):
        action = kwargs["action"]
        if action not in self.ACTIONS:
            raise Http404(scope.MSG_NOT_FOUND)
        user = self.get_object()
        if action == "reset-password":
            password = services.account_reset_password(actor=request.user, user=user)
            return render(request, "org/user_password.html", {"account_user": user, "password": password, "reset": True})
        services.account_set_active(actor=request.user, user=user, active=action == "reactivate")
        messages.success(request, MSG_REACTIVATED if action == "reactivate" else MSG_DEACTIVATED)
        return redirect("org:user-detail", pk=user.pk)


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class InitialPasswordsView(LoginRequiredMixin, BureauOnlyMixin, View):
    """POST: issue initial passwords to imported accounts that have none yet, and show them once."""

    http_method_names = ["post"]

    def post(self, request):
        issued = services.initial_passwords_issue(actor=request.user)
        return render(request, "org/user_passwords.html", {"issued": issued})
