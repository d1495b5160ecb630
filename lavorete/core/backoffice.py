"""The back office (/gestione/): its menu and the mixins every staff view uses.

Apps add their menu entries from AppConfig.ready(), so core needs no import
of them.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import Promise

from lavorete.core.forms import add_service_errors
from lavorete.core.permissions import has_any_role, has_perm, has_perm_somewhere

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


@dataclass(frozen=True)
class MenuItem:
    label: str | Promise
    url_name: str
    permission: str | None
    order: int
    network_wide: bool = False


_MENU: dict[str, MenuItem] = {}


def register_menu_item(
    *,
    label: str | Promise,
    url_name: str,
    permission: str | None,
    order: int,
    network_wide: bool = False,
) -> None:
    """Add an entry to the back-office menu, shown to users holding `permission` somewhere
    (or network-wide, when the page is about the whole network)."""
    _MENU[url_name] = MenuItem(label, url_name, permission, order, network_wide)


def menu_for(request: HttpRequest) -> list[dict[str, Any]]:
    """The menu entries this user may use, marking the current one."""
    entries: list[tuple[MenuItem, str, bool]] = []
    for item in sorted(_MENU.values(), key=lambda i: i.order):
        if item.permission and not _allowed(request.user, item.permission, item.network_wide):
            continue
        url = reverse(item.url_name)
        within = request.path == url or (item.order > 0 and request.path.startswith(url))
        entries.append((item, url, within))
    # One entry is current: the most specific one whose address holds the page's
    # (the caseload's /gestione/percorsi/ holds "My tasks" too).
    current = max((url for _, url, within in entries if within), key=len, default=None)
    items = [
        {"label": item.label, "url": url, "active": url == current} for item, url, _ in entries
    ]
    return items


def _allowed(user: Any, permission: str, network_wide: bool) -> bool:
    if network_wide:
        return has_perm(user, permission)
    return has_perm_somewhere(user, permission)


class BackofficeMixin(LoginRequiredMixin):
    """A back-office view: login required, some role required, and `permission` somewhere
    (or on the whole network when `network_wide`)."""

    permission: str | None = None
    network_wide = False

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not has_any_role(request.user):
            raise PermissionDenied
        if self.permission and not _allowed(request.user, self.permission, self.network_wide):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["backoffice_menu"] = menu_for(self.request)  # type: ignore[attr-defined]
        return context


class ObjectMixin:
    """Loads the page's object once, after BackofficeMixin's checks and before the handler."""

    object: Any

    def get_object(self) -> Any:
        raise NotImplementedError

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class ObjectFirstMixin(ObjectMixin):
    """Like ObjectMixin, but the object is looked up before the permission check.

    For records about people: someone outside the object's scope gets 404 whatever
    rights they hold elsewhere, so a page never tells them the record exists. Put
    it before BackofficeMixin in the bases.
    """

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        self.object = self.get_object()
        return super(ObjectMixin, self).dispatch(request, *args, **kwargs)  # type: ignore[misc]


class ServiceFormMixin:
    """A form whose valid input goes to a service; the service's refusal shows on the form."""

    success_message: "str | _StrPromise" = ""

    def run_service(self, form: Any) -> Model:
        raise NotImplementedError

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            self.saved = self.run_service(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)  # type: ignore[attr-defined]
        if self.success_message:
            messages.success(self.request, self.success_message)  # type: ignore[attr-defined]
        return HttpResponseRedirect(self.get_success_url())  # type: ignore[attr-defined]
