"""Data-protection pages: staff export and erasure of a person's data, and the person's own
"my data" pages (download, who opened my file, ask for erasure)."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from lavorete.core.backoffice import ServiceFormMixin
from lavorete.people import gdpr
from lavorete.people.models import Person
from lavorete.people.permissions import PersonMixin

EXPORT_FORMATS = ("json", "pdf")


# --- the readable export ---------------------------------------------------------------


def _labels() -> dict[str, str]:
    """Field name -> its verbose name, from every model an export draws on."""
    from django.apps import apps

    labels: dict[str, str] = {}
    for label in (
        "people.person",
        "people.specialcategorydata",
        "people.personlanguage",
        "people.personskill",
        "people.consent",
        "pathways.enrolment",
        "pathways.stagetransition",
        "pathways.attendance",
        "pathways.servicedelivery",
        "pathways.goal",
        "pathways.outcome",
        "pathways.followup",
        "pathways.referral",
        "pathways.casenote",
        "core.user",
    ):
        for f in apps.get_model(label)._meta.concrete_fields:
            labels.setdefault(f.name, capfirst(str(f.verbose_name)))
    labels.update(
        {
            "id": _("Record number"),
            "categories": _("Categories"),
            "skill_labels": _("Skill (ESCO)"),
            "text": _("Text"),
            "consent_text": _("Text agreed to"),
            "transitions": _("Steps of the pathway"),
            "services": _("Services attended"),
            "service": _("Service"),
            "goals": _("Goals of the plan"),
            "outcomes": _("Outcomes"),
            "follow_ups": _("Follow-ups"),
            "case_notes": _("Case notes"),
            "linked_records": _("Coworking"),
            "record": _("Record"),
            "when": _("When"),
            "who": _("Who (as recorded)"),
            "who_name": _("Name"),
            "fields": _("Data read"),
            "purpose": _("Purpose"),
            "cat_under_30": _("Under 30 at intake"),
            "cat_over_50": _("Over 50 at intake"),
            "cat_long_term_unemployed": _("Long-term unemployed at intake"),
            "cat_woman": _("Woman at intake"),
            "cat_neet": _("NEET at intake"),
            "cat_returning_mother": _("Returning after maternity at intake"),
            "cat_migrant": _("Migrant at intake"),
            "cat_disability": _("Disability at intake"),
        }
    )
    return labels


def _scalar(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if isinstance(value, list):
        return ", ".join(_scalar(v) for v in value) or "—"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_scalar(v)}" for k, v in value.items()) or "—"
    return str(value)


def _blocks(title: str, value: Any, labels: dict[str, str], level: int) -> list[dict[str, Any]]:
    """Flatten a part of the export into titled blocks of (label, value) rows."""
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        out: list[dict[str, Any]] = [{"title": title, "level": level, "rows": []}]
        for index, item in enumerate(value, start=1):
            out.extend(_blocks(f"{title} {index}", item, labels, level + 1))
        return out
    if not isinstance(value, dict):
        return [{"title": title, "level": level, "rows": [(title, _scalar(value))]}]
    rows = []
    nested: list[dict[str, Any]] = []
    for key, item in value.items():
        label = labels.get(key, key.replace("_", " ").capitalize())
        flat = not isinstance(item, dict | list) or (
            isinstance(item, list) and not any(isinstance(v, dict) for v in item)
        )
        if key == "skill_labels" or flat:
            rows.append((label, _scalar(item)))
        elif isinstance(item, dict) and key in {"service"}:
            rows.append((label, _scalar(item.get("title") or item.get("kind"))))
        else:
            nested.extend(_blocks(label, item, labels, level + 1))
    return [{"title": title, "level": level, "rows": rows}, *nested]


SECTIONS = [
    ("person", gettext_lazy("Your record")),
    ("languages", gettext_lazy("Languages")),
    ("skills", gettext_lazy("Skills")),
    ("consents", gettext_lazy("Consents")),
    ("special_category_data", gettext_lazy("Health and disability data")),
    ("enrolments", gettext_lazy("Pathways")),
    ("referrals", gettext_lazy("Referrals")),
    ("access_log", gettext_lazy("Who opened your file")),
    ("account", gettext_lazy("Account and coworking")),
]


def export_html(data: dict[str, Any]) -> str:
    """The export as a standalone HTML page for the PDF, in the active language."""
    labels = _labels()
    sections = []
    for key, title in SECTIONS:
        if key not in data:
            continue
        value = data[key]
        if value in (None, [], {}):
            sections.append({"title": title, "empty": True, "blocks": []})
            continue
        blocks = _blocks(str(title), value, labels, 0)
        blocks[0]["title"] = ""
        sections.append({"title": title, "empty": False, "blocks": blocks})
    return render_to_string(
        "people/privacy/export_pdf.html",
        {
            "sections": sections,
            "data": data,
            "omitted": data.get("omitted", []),
            "language": translation.get_language(),
            "generated_at": timezone.localtime(),
        },
    )


def _download(export: gdpr.ExportFile) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Cache-Control"] = "no-store"
    return response


# --- staff pages ---------------------------------------------------------------------


class PersonExportView(PersonMixin, TemplateView):
    """What an export of this person holds, with the JSON and PDF downloads."""

    person_permission = "people.export_person"
    template_name = "people/privacy/person_export.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        scope = gdpr.export_scope_for(self.request.user, self.person)
        return super().get_context_data(scope=scope, **kwargs)


class PersonExportDownloadView(PersonMixin, View):
    person_permission = "people.export_person"

    def get(self, request: HttpRequest, person_pk: int, fmt: str) -> HttpResponse:
        if fmt not in EXPORT_FORMATS:
            raise Http404
        export = gdpr.person_export(
            actor=request.user,
            person=self.person,
            fmt=fmt,
            scope=gdpr.export_scope_for(request.user, self.person),
            render_html=export_html,
        )
        return _download(export)


class EraseForm(forms.Form):
    reason = forms.ChoiceField(
        label=gettext_lazy("Why"),
        choices=[("", "---------")]
        + [c for c in gdpr.ErasureReason.choices if c[0] != gdpr.ErasureReason.RETENTION],
    )
    confirm = forms.CharField(
        label=gettext_lazy("Type the record number to confirm"),
        max_length=20,
    )

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_confirm(self) -> str:
        value = self.cleaned_data["confirm"].strip().lstrip("#")
        if value != str(self.person.pk):
            raise ValidationError(_("Type the record number shown above."), code="mismatch")
        return value


class PersonEraseView(PersonMixin, ServiceFormMixin, FormView):
    """Anonymise the person (Art. 17) after a typed confirmation; GET changes nothing."""

    person_permission = "people.erase_person"
    template_name = "people/privacy/person_erase.html"
    form_class = EraseForm
    success_message = gettext_lazy("The record has been anonymised.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "person": self.person}

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.person.anonymised_at is not None:
            messages.info(request, _("This record has already been anonymised."))
            return HttpResponseRedirect(request.path)
        return super().post(request, *args, **kwargs)

    def run_service(self, form: EraseForm) -> Model:
        return gdpr.person_erase(
            actor=self.request.user, person=self.person, reason=form.cleaned_data["reason"]
        )

    def get_success_url(self) -> str:
        return reverse("privacy:person_erase", kwargs={"person_pk": self.person.pk})


# --- the person's own pages ---------------------------------------------------------------


def own_person(user: Any) -> Person | None:
    """The record of the logged-in person, if they have one that is not anonymised."""
    return Person.objects.filter(user=user, anonymised_at__isnull=True).first()


class OwnPersonMixin(LoginRequiredMixin):
    person: Person | None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.person = own_person(request.user)
        return super().dispatch(request, *args, **kwargs)

    def required_person(self) -> Person:
        if self.person is None:
            raise Http404
        return self.person


class MyDataView(OwnPersonMixin, TemplateView):
    template_name = "people/privacy/my_data.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(person=self.person, **kwargs)


class MyDataDownloadView(OwnPersonMixin, View):
    def get(self, request: HttpRequest, fmt: str) -> HttpResponse:
        person = self.required_person()
        if fmt not in EXPORT_FORMATS:
            raise Http404
        export = gdpr.person_export(
            actor=request.user, person=person, fmt=fmt, render_html=export_html
        )
        return _download(export)


# Names in the access log that are not fields of the person's record.
READ_LABELS = {
    "case_notes": gettext_lazy("case notes"),
    "languages": gettext_lazy("languages"),
    "skills": gettext_lazy("skills"),
    "consents": gettext_lazy("consents"),
    "enrolments": gettext_lazy("pathways"),
    "export": gettext_lazy("the whole file (export)"),
}


def read_label(name: str) -> str:
    """What a person reads for a field name of the access log: its label in their language."""
    from django.core.exceptions import FieldDoesNotExist

    from lavorete.people.models import SpecialCategoryData

    if name in READ_LABELS:
        return str(READ_LABELS[name])
    for model in (Person, SpecialCategoryData):
        try:
            return str(getattr(model._meta.get_field(name), "verbose_name", name))
        except FieldDoesNotExist:
            continue
    return name.replace("_", " ")


class MyAccessLogView(OwnPersonMixin, TemplateView):
    """Who opened my file: when, who, which data, why."""

    template_name = "people/privacy/my_access_log.html"
    paginate_by = 50

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        person = self.required_person()
        page = Paginator(gdpr.person_access_log(person), self.paginate_by).get_page(
            self.request.GET.get("page")
        )
        rows = list(page.object_list)
        for row in rows:
            row.read_labels = [read_label(name) for name in row.fields]  # type: ignore[attr-defined]
        return super().get_context_data(person=person, page_obj=page, rows=rows, **kwargs)


class MyErasureRequestView(OwnPersonMixin, View):
    """The person asks for erasure: the coordinators are told by e-mail (POST only)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        person = self.required_person()
        link = request.build_absolute_uri(
            reverse("privacy:person_erase", kwargs={"person_pk": person.pk})
        )
        gdpr.person_erasure_request(actor=request.user, person=person, link=link)
        messages.success(
            request,
            _(
                "Your request has been sent to the network's coordinators. "
                "They will answer within one month."
            ),
        )
        return HttpResponseRedirect(reverse("my_data:index"))
