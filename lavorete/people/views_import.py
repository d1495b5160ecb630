"""The bulk import page: a dry run with a validation report, then the import, all or nothing."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.views.generic import FormView, View

from lavorete.core.backoffice import BackofficeMixin
from lavorete.core.permissions import scope_access
from lavorete.core.roles import ScopeKind
from lavorete.network.models import Programme
from lavorete.people.forms import ImportForm
from lavorete.people.importer import COLUMNS, MAX_ROWS, ImportFileError, import_people, template_csv

PERMISSION = "people.import_people"


def importable_programmes(user: Any) -> QuerySet[Programme]:
    """The programmes the user may import people into (granted on the programme itself)."""
    access = scope_access(user, PERMISSION)
    if access.everywhere:
        return Programme.objects.order_by("name")
    return Programme.objects.filter(pk__in=access.of(ScopeKind.PROGRAMME)).order_by("name")


class ImportView(BackofficeMixin, FormView):
    permission = PERMISSION
    template_name = "people/staff/import.html"
    form_class = ImportForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "programmes": importable_programmes(self.request.user)}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update({"columns": COLUMNS, "max_rows": MAX_ROWS})
        return context

    def form_valid(self, form: ImportForm) -> HttpResponse:
        upload = form.cleaned_data["file"]
        try:
            raw = upload.read(10 * 1024 * 1024 + 1)
            report = import_people(
                actor=self.request.user,
                programme=form.cleaned_data["programme"],
                name=upload.name or "",
                raw=raw,
                commit=form.cleaned_data["commit"],
            )
        except ImportFileError as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        if report.committed:
            # A fresh form: re-sending the same file must be a deliberate act.
            form = self.get_form_class()(programmes=importable_programmes(self.request.user))
        return self.render_to_response(self.get_context_data(form=form, report=report))


class ImportTemplateView(BackofficeMixin, View):
    permission = PERMISSION

    def get(self, request: HttpRequest) -> HttpResponse:
        response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="modello-import-persone.csv"'
        return response
