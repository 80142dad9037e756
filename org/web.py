"""The web bases every app's pages use for writes: one way to "validate a form, call a service, redirect
with a message, or show the refusals".

`ActionView`       POST one change to a row the user may see (a scoped base: `model`, optional
                   `narrow(queryset)`); the form's cleaned data go to the service, passed as the function
                   itself (`service = staticmethod(services.x)`, called `service(actor=user,
                   <object_kwarg>=row, **cleaned_data)`), or to `perform(obj, data)` where the call needs
                   more; a refusal (`refused_by`, ValidationError by default) comes back as a message on the
                   row's page, or the form again with the refusals where `refused()` renders it.
`ServiceFormMixin` form pages (FormView, CreateView/UpdateView) whose save is `service(actor=...,
                   <instance_kwarg>=unsaved instance)` or `service(actor=..., **cleaned_data)`; `service` is the
                   function itself, never its name; refusals are shown on the form again.
`ServiceFormView`  ServiceFormMixin on a FormView (login required), for forms that are not a model's.
`FormTitleMixin`   form pages titled with `title` or the model's verbose name.

Both check the version the page was rendered from (org.versioning) for versioned models, inside the
service's transaction: a save from a page opened before someone else's save is refused, naming what
changed.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView
from django.views.generic.edit import FormMixin, ModelFormMixin

from org import permissions, scope, versioning

MSG_SAVED = _("Saved.")
MSG_BATCH_DONE = _("%(count)d entries saved.")
MSG_NOT_FOUND_IN_BATCH = _("%(count)d of the chosen entries were not found.")  # missing and out of scope alike


class FormTitleMixin:
    """Form pages show `title`, else the model's verbose name, as the page title."""

    title = ""

    def get_context_data(self, **kwargs):
        title = self.title or (self.model._meta.verbose_name if getattr(self, "model", None) else "")
        return super().get_context_data(title=title, **kwargs)


class ServiceFormMixin(FormTitleMixin):
    """Form pages (before FormView, CreateView or UpdateView) whose POST goes through one service: the form is
    validated, `save(form)` calls the service inside a transaction, then a redirect with a message to
    `redirect_to(result)`; a refusal (`refused_by`) shows the form again with the reasons by field.

    - Model forms: declare `service = staticmethod(services.program_save)` and `instance_kwarg = "program"`; the
      service gets the unsaved instance (`prepare(instance)` fills what the URL decides); a versioned row is
      checked against the version the page showed (org.versioning).
    - Plain forms: `service` is called `service(actor=user, **service_kwargs(), **cleaned_data)`, or override
      `perform(data)` where the call needs more; `save(form)` where it needs the form itself.
    `form_extra()` adds to the form's keyword arguments (default: `user`). `refused_by = REFUSALS_ON_PAGE` also
    shows a service's PermissionDenied on the form (never a 403 page).
    """

    service = None
    instance_kwarg = ""
    refused_by: tuple = (ValidationError,)
    success_message = MSG_SAVED

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), **self.form_extra()}

    def form_extra(self) -> dict:
        return {"user": self.request.user}

    def prepare(self, instance):
        return instance

    def service_kwargs(self) -> dict:
        return {}

    def perform(self, data: dict):
        return self.service(actor=self.request.user, **self.service_kwargs(), **data)

    def save(self, form):
        if not self.instance_kwarg:
            return self.perform(form.cleaned_data)
        instance = self.prepare(form.save(commit=False))
        if instance.pk is not None and isinstance(instance, versioning.Versioned):
            versioning.check(instance, seen=form.cleaned_data.get("version"), reader=self.request.user)
        self.service(actor=self.request.user, **{self.instance_kwarg: instance})
        return instance

    def form_valid(self, form):
        try:
            with transaction.atomic():
                self.result = self.save(form)
        except self.refused_by as error:
            add_refusal(form, error)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return redirect(self.redirect_to(self.result))

    def redirect_to(self, result):
        """Where to go after a save: `get_success_url()` when the page names one, else the result's own page."""
        if self.success_url or type(self).get_success_url not in (FormMixin.get_success_url, ModelFormMixin.get_success_url):
            return self.get_success_url()
        return result


class ServiceFormView(LoginRequiredMixin, ServiceFormMixin, FormView):
    """A form page that is not a model's create/edit page: GET shows the form, POST goes through the service
    (ServiceFormMixin)."""


class ActionView(LoginRequiredMixin, scope.ScopedQuerysetMixin, View):
    """POST one change to a visible row; refusals come back as a message in Chinese, the page shows the state.

    Subclasses set `model` and `form_class` and either `service` (the function) with `object_kwarg`, or
    `perform(obj, data)`; the row is read from the scoped queryset (missing and forbidden both 404).
    `refused_by = REFUSALS_ON_PAGE` also turns a service's PermissionDenied into a message (never a 403 page).
    Override `invalid(obj, form)` / `refused(obj, form, error)` to show the form again instead of redirecting.
    A posted `version` (the hidden input of the row's page) is checked first for versioned models
    (org.versioning.check); a stale page is refused like any ValidationError.
    """

    form_class = None
    form_takes_user = False
    service = None
    object_kwarg = ""
    refused_by: tuple = (ValidationError,)

    def get_object(self, pk):
        try:
            return self.get_queryset().get(pk=pk)
        except self.model.DoesNotExist:
            raise Http404(scope.MSG_NOT_FOUND) from None

    def get_form(self, obj):
        kwargs = {"user": self.request.user} if self.form_takes_user else {}
        return (self.form_class or forms.Form)(self.request.POST, self.request.FILES, **kwargs)

    def perform(self, obj, data: dict):
        if self.service is None:
            raise NotImplementedError
        return self.service(actor=self.request.user, **{self.object_kwarg: obj}, **data)

    def invalid(self, obj, form):
        messages.error(self.request, " ".join(str(error) for errors in form.errors.values() for error in errors))
        return redirect(obj)

    def refused(self, obj, form, error):
        messages.error(self.request, refusal_text(error))
        return redirect(obj)

    def done(self, obj, result):
        messages.success(self.request, MSG_SAVED)
        return redirect(obj)

    def post(self, request, pk, **kwargs):
        obj = self.get_object(pk)
        form = self.get_form(obj)
        if not form.is_valid():
            return self.invalid(obj, form)
        try:
            with transaction.atomic():
                if isinstance(obj, versioning.Versioned):
                    versioning.check(obj, seen=versioning.seen_in_post(request.POST), reader=request.user)
                result = self.perform(obj, form.cleaned_data)
        except self.refused_by as error:
            return self.refused(obj, form, error)
        return self.done(obj, result)


REFUSALS_ON_PAGE = (ValidationError, PermissionDenied)


def add_refusal(form, error) -> None:
    """Show a service's refusal on the form: by field where the form has it, else above the form
    (a PermissionDenied's message above the form)."""
    if not isinstance(error, ValidationError):
        form.add_error(None, refusal_text(error))
        return
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


def refusal_text(error) -> str:
    """A service's refusal as one line: a ValidationError's messages, or a PermissionDenied's message."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


MSG_MANAGERS_ONLY = _("Only bureau staff who manage a region may use this page.")


class ManagerOnlyMixin:
    """Write pages with a region choice: 403 (the Chinese page) for users who manage no region
    (principals, supervisors), instead of a form with an empty region list."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.may_create_region_rows(request.user):
            raise PermissionDenied(MSG_MANAGERS_ONLY)
        return super().dispatch(request, *args, **kwargs)
