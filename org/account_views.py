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
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView, ListView, View
from django.views.generic.detail import SingleObjectMixin

from org import accounts, scope
from org.forms import AccountCreateForm
from org.middleware import SESSION_FLAG
from org.models import Account, UserRole
from org.selectors import history_of
from org.services import accounts as services

User = get_user_model()
MSG_PASSWORD_CHANGED = _("Your password has been changed.")
MSG_DEACTIVATED = _("The account has been deactivated.")
MSG_REACTIVATED = _("The account has been reactivated.")
MSG_UNLOCKED = _("The login lockout was lifted.")
MSG_TOKEN_REVOKED = _("The API token was revoked.")


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if Account.objects.filter(user=form.get_user(), must_change_password=True).exists():
            self.request.session[SESSION_FLAG] = True
        return response


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
    """账号管理: the accounts a bureau manages, with roles, state, last login, whether a login lockout is
    active (and from which addresses; "lift" ends it) and whether a live API token exists ("revoke")."""

    model = User
    paginate_by = 50
    template_name = "org/user_list.html"

    def narrow(self, queryset):
        return (_with_roles(queryset).select_related("auth_token").exclude(pk=self.request.user.pk)
                .order_by("username", "id"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        users = list(context["object_list"])
        locked = services.locked_usernames(user.username for user in users)
        now = timezone.now()
        context["rows"] = [
            {"user": user, "locked_from": locked.get(user.username, []), "token_expires_at": _token_expiry(user, now)}
            for user in users
        ]
        return context


def _token_expiry(user, now):
    """When the user's live API token expires, None without one (or with an expired one)."""
    token = getattr(user, "auth_token", None)  # select_related; a missing one raises AttributeError
    if token is None or services.token_is_expired(token, now=now):
        return None
    return services.token_expires_at(token)


class UserDetailView(LoginRequiredMixin, BureauOnlyMixin, scope.ScopedQuerysetMixin, DetailView):
    model = User
    template_name = "org/user_detail.html"
    context_object_name = "account_user"

    def narrow(self, queryset):
        return _with_roles(queryset).exclude(pk=self.request.user.pk)

    def get_context_data(self, **kwargs):
        account = getattr(self.object, "account", None)
        history = history_of(account, user=self.request.user) if account else []
        return super().get_context_data(account=account, history=history, **kwargs)


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
    """POST only: deactivate, reactivate or reset the password of an account the bureau manages, lift its
    login lockout or revoke its API token (the last two go back to the list)."""

    model = User
    http_method_names = ["post"]

    def narrow(self, queryset):
        return queryset.exclude(pk=self.request.user.pk)

    ACTIONS = {"deactivate", "reactivate", "reset-password", "unlock", "revoke-token"}

    def post(self, request, *args, **kwargs):
        action = kwargs["action"]
        if action not in self.ACTIONS:
            raise Http404(scope.MSG_NOT_FOUND)
        user = self.get_object()
        if action == "unlock":
            services.lockout_lift(actor=request.user, user_id=user.pk)
            messages.success(request, MSG_UNLOCKED)
            return redirect("org:user-list")
        if action == "revoke-token":
            services.token_revoke(actor=request.user, user_id=user.pk)
            messages.success(request, MSG_TOKEN_REVOKED)
            return redirect("org:user-list")
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
