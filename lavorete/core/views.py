from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import QuerySet
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import FormView, ListView, TemplateView, View

from lavorete.core.backoffice import BackofficeMixin
from lavorete.core.forms import AuditFilterForm, RoleGrantForm
from lavorete.core.models import RoleAssignment, User
from lavorete.core.permissions import grants_for
from lavorete.core.personal_data import inventory
from lavorete.core.roles import ROLE_PERMISSIONS, Role
from lavorete.core.scopes import scope_objects
from lavorete.core.selectors import access_log_list, audit_entry_list, role_assignment_list
from lavorete.core.services import role_grant, role_revoke, user_invite


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """The process is up."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> HttpResponse:
    """The process can serve: the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def describe_grants(user: Any) -> list[dict[str, Any]]:
    """The user's roles as (role label, scope object) for display; None means the network."""
    grants = sorted(grants_for(user), key=lambda g: (g.role, g.scope))
    objects = scope_objects({g.scope for g in grants})
    return [{"role": Role(g.role).label, "scope": objects.get(g.scope)} for g in grants]


class DashboardView(BackofficeMixin, TemplateView):
    template_name = "core/dashboard.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["grants"] = describe_grants(self.request.user)
        return context


class RoleListView(BackofficeMixin, ListView):
    permission = "core.manage_roles"
    network_wide = True
    template_name = "core/role_list.html"
    context_object_name = "assignments"
    paginate_by = 50

    def get_queryset(self) -> Any:
        return role_assignment_list(self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        assignments = list(context["assignments"])
        objects = scope_objects({a.scope for a in assignments})
        for assignment in assignments:
            assignment.scope_obj = objects.get(assignment.scope)
        context["role_permissions"] = sorted(
            (str(Role(role).label), sorted(perms)) for role, perms in ROLE_PERMISSIONS.items()
        )
        return context


class RoleGrantView(BackofficeMixin, FormView):
    permission = "core.manage_roles"
    network_wide = True
    template_name = "core/role_grant.html"
    form_class = RoleGrantForm
    success_url = reverse_lazy("core:roles")

    def form_valid(self, form: RoleGrantForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            user = User.objects.filter(email__iexact=data["email"]).first()
            if user is None:
                user = user_invite(
                    actor=self.request.user, email=data["email"], full_name=data["full_name"]
                )
            role_grant(actor=self.request.user, user=user, role=data["role"], scope=data["scope"])
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(self.request, _("Role granted to %(user)s.") % {"user": user})
        return super().form_valid(form)


class RoleRevokeView(BackofficeMixin, View):
    permission = "core.manage_roles"
    network_wide = True
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        assignment = get_object_or_404(RoleAssignment, pk=pk)
        role_revoke(actor=request.user, assignment=assignment)
        messages.success(request, _("Role revoked."))
        return HttpResponseRedirect(reverse("core:roles"))


class AuditLogView(BackofficeMixin, ListView):
    permission = "core.view_audit"
    network_wide = True
    template_name = "core/audit_list.html"
    context_object_name = "entries"
    paginate_by = 50
    # (user, *, query) -> QuerySet of log rows
    selector: Callable[..., QuerySet[Any]] = staticmethod(audit_entry_list)

    def get_queryset(self) -> Any:
        self.filter_form = AuditFilterForm(self.request.GET or None)
        query = self.filter_form.cleaned_data["q"] if self.filter_form.is_valid() else ""
        return self.selector(self.request.user, query=query)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(filter_form=self.filter_form, **kwargs)


class AccessLogView(AuditLogView):
    template_name = "core/access_list.html"
    selector: Callable[..., QuerySet[Any]] = staticmethod(access_log_list)


class PersonalDataInventoryView(BackofficeMixin, TemplateView):
    permission = "core.view_audit"
    network_wide = True
    template_name = "core/inventory.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(fields=inventory(), **kwargs)
