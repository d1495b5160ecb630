"""Forms of the partner network's back office.

Forms shape the input (types, lengths, choices, the municipality typed as
text); the services hold the rules. Fields come from the models so labels and
limits are written once.
"""

import re
from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from lavorete.core.forms import ModelFieldsForm
from lavorete.network.models import (
    Agreement,
    Contact,
    Organisation,
    OrganisationKind,
    PartnerRole,
    Programme,
    ProgrammePartner,
)
from lavorete.territory.models import Municipality, Province

# The territory app's search endpoint, used by the optional autocomplete.
MUNICIPALITY_SEARCH_URL = reverse_lazy("territory:municipality_search")

_LEADING_CODE = re.compile(r"^(\d{6})\b")
_NAME_AND_PROVINCE = re.compile(r"^(?P<name>.+?)\s*\((?P<abbreviation>[A-Za-z]{2})\)$")


def municipality_label(municipality: Municipality) -> str:
    """How a municipality is written in a form: "Name (PV)"."""
    return f"{municipality.name} ({municipality.province.abbreviation})"


def resolve_municipality(text: str) -> Municipality:
    """The municipality named by an ISTAT code, "Name (PV)" or a name that is unique."""
    value = " ".join(text.split())
    queryset = Municipality.objects.select_related("province")
    code = _LEADING_CODE.match(value)
    if code:
        found = list(queryset.filter(istat_code=code.group(1)))
    elif value.isdigit():
        found = list(queryset.filter(istat_code=value.zfill(6)))
    else:
        match = _NAME_AND_PROVINCE.match(value)
        if match:
            found = list(
                queryset.filter(
                    name__iexact=match.group("name"),
                    province__abbreviation__iexact=match.group("abbreviation"),
                )
            )
        else:
            found = list(queryset.filter(name__iexact=value))
    if not found:
        raise ValidationError(
            _("“%(value)s”: no municipality has this name or ISTAT code."),
            code="unknown_municipality",
            params={"value": value},
        )
    if len(found) > 1:
        choices = ", ".join(sorted(municipality_label(m) for m in found))
        raise ValidationError(
            _(
                "“%(value)s”: several municipalities have this name (%(choices)s); "
                "add the province, as in “%(example)s”."
            ),
            code="ambiguous_municipality",
            params={"value": value, "choices": choices, "example": choices.split(", ")[0]},
        )
    return found[0]


class MunicipalityInput(forms.TextInput):
    """A text input with an optional autocomplete (static/network/municipality.js)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            {
                "autocomplete": "off",
                "data-lv-municipality-search": MUNICIPALITY_SEARCH_URL,
                **(attrs or {}),
            }
        )

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, Municipality):
            return municipality_label(value)
        if isinstance(value, int):
            municipality = Municipality.objects.select_related("province").filter(pk=value).first()
            return municipality_label(municipality) if municipality else str(value)
        return super().format_value(value)


class MunicipalityField(forms.CharField):
    """One municipality, typed as its ISTAT code or as "Name (PV)"; no 7,900-option select."""

    widget = MunicipalityInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "help_text", _("Type the name, as in “Pioltello (MI)”, or the ISTAT code.")
        )
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Municipality | None:
        text = super().clean(value)
        if not text:
            return None
        return resolve_municipality(text)


class MunicipalitiesField(forms.CharField):
    """Several municipalities, one per line (ISTAT code or "Name (PV)")."""

    widget = forms.Textarea

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "help_text",
            _("One per line: the name, as in “Pioltello (MI)”, or the ISTAT code."),
        )
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs["rows"] = 4

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, QuerySet | list | tuple):
            items = list(value)
            if items and all(isinstance(m, Municipality) for m in items):
                return "\n".join(municipality_label(m) for m in items)
        return value

    def clean(self, value: Any) -> list[Municipality]:
        text = super().clean(value) or ""
        found: list[Municipality] = []
        errors: list[ValidationError] = []
        for line in text.splitlines():
            if not line.strip():
                continue
            try:
                municipality = resolve_municipality(line)
            except ValidationError as exc:
                errors.append(exc)
                continue
            if municipality not in found:
                found.append(municipality)
        if errors:
            raise ValidationError(errors)
        return found


class OrganisationForm(ModelFieldsForm):
    model = Organisation
    model_fields = (
        "name",
        "kind",
        "legal_form",
        "tax_code",
        "vat_number",
        "ateco_code",
        "municipality",
        "address",
        "postcode",
        "website",
        "email",
        "phone",
        "description",
    )

    municipality = MunicipalityField(label=_("Municipality"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Room for the forms users type: "IT 01234 560017", "62.10.00".
        for name, length in (("vat_number", 20), ("tax_code", 24)):
            model_field = self.fields[name]
            self.fields[name] = forms.CharField(
                label=model_field.label,
                required=False,
                max_length=length,
                help_text=model_field.help_text,
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )
        self.fields["description"].widget.attrs["rows"] = 4
        for name in ("tax_code", "vat_number", "ateco_code", "postcode"):
            self.fields[name].widget.attrs.setdefault("autocomplete", "off")
        self.fields["email"].widget.attrs.setdefault("autocomplete", "email")
        self.fields["phone"].widget.attrs.setdefault("autocomplete", "tel")
        self.fields["postcode"].widget.attrs.setdefault("inputmode", "numeric")


class ContactForm(ModelFieldsForm):
    model = Contact
    model_fields = ("first_name", "last_name", "job_title", "email", "phone", "is_primary", "notes")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["first_name"].widget.attrs.setdefault("autocomplete", "off")
        self.fields["last_name"].widget.attrs.setdefault("autocomplete", "off")
        self.fields["notes"].widget.attrs["rows"] = 3
        self.fields["is_primary"].help_text = _(
            "The organisation's main contact; it replaces the current one."
        )


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class AgreementForm(ModelFieldsForm):
    model = Agreement
    model_fields = (
        "title",
        "reference",
        "date_signed",
        "valid_until",
        "signatories",
        "scope",
        "programmes",
        "municipalities",
        "document",
    )

    municipalities = MunicipalitiesField(label=_("Municipalities"))

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation],
        programmes: QuerySet[Programme],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date_signed"].widget = _DateInput(attrs={"class": "form-control"})
        self.fields["valid_until"].widget = _DateInput(attrs={"class": "form-control"})
        signatories = self.fields["signatories"]
        signatories.queryset = organisations.order_by("name")  # type: ignore[attr-defined]
        signatories.help_text = _("At least two organisations.")
        signatories.widget.attrs["size"] = 8
        self.fields["programmes"].queryset = programmes.order_by("name")  # type: ignore[attr-defined]
        self.fields["programmes"].required = False
        self.fields["scope"].widget.attrs["rows"] = 4
        # A plain file input: the current file is offered only through the
        # permission-checked download view, never as a media URL.
        document = self.fields["document"]
        document.widget = forms.FileInput(
            attrs={"class": "form-control", "accept": ".pdf,.odt,.docx,.p7m"}
        )
        document.help_text = _("PDF, ODT, DOCX or signed P7M.")
        if self.instance is not None:
            self.initial["municipalities"] = list(
                self.instance.municipalities.select_related("province")  # type: ignore[attr-defined]
            )
            self.initial.pop("document", None)
            if self.instance.document:  # type: ignore[attr-defined]
                document.help_text = _(
                    "PDF, ODT, DOCX or signed P7M. Uploading a file replaces the current one."
                )
                self.fields["remove_document"] = forms.BooleanField(
                    label=_("Remove the current document"),
                    required=False,
                    widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
                )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("remove_document") and cleaned.get("document"):
            self.add_error(
                "remove_document",
                _("Either upload a new document or remove the current one, not both."),
            )
        return cleaned

    def document_change(self) -> dict[str, Any]:
        """The `document` argument for agreement_update: a new file, None to remove, or {}."""
        if self.cleaned_data.get("document"):
            return {"document": self.cleaned_data["document"]}
        if self.cleaned_data.get("remove_document"):
            return {"document": None}
        return {}


class ProgrammeForm(ModelFieldsForm):
    model = Programme
    model_fields = (
        "name",
        "slug",
        "summary",
        "lead_organisation",
        "status",
        "start_date",
        "end_date",
        "municipalities",
        "is_public",
        "description",
    )

    municipalities = MunicipalitiesField(label=_("Municipalities"))

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _(
            "Used in the public address; made from the name when left empty."
        )
        self.fields["lead_organisation"].queryset = organisations.order_by("name")  # type: ignore[attr-defined]
        self.fields["start_date"].widget = _DateInput(attrs={"class": "form-control"})
        self.fields["end_date"].widget = _DateInput(attrs={"class": "form-control"})
        self.fields["description"].widget.attrs["rows"] = 6
        if self.instance is not None:
            self.initial["municipalities"] = list(
                self.instance.municipalities.select_related("province")  # type: ignore[attr-defined]
            )


class ProgrammePartnerForm(ModelFieldsForm):
    model = ProgrammePartner
    model_fields = ("organisation", "role", "description")

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations.order_by("name")  # type: ignore[attr-defined]
        self.fields["role"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in PartnerRole.choices if value != PartnerRole.LEAD
        ]
        self.fields["description"].widget.attrs["rows"] = 3


class OrganisationFilterForm(forms.Form):
    """Search and filters of the organisation list (GET)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Name, VAT number, tax code or municipality."),
        widget=forms.TextInput(attrs={"class": "form-control", "type": "search"}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *OrganisationKind.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    province = forms.ChoiceField(
        label=_("Province"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, provinces: Iterable[Province] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [  # type: ignore[attr-defined]
            ("", _("All provinces")),
            *((p.code, str(p)) for p in provinces),
        ]

    def filters(self) -> dict[str, str]:
        """The filters to pass to organisation_list; an invalid one is left out."""
        self.is_valid()
        data = self.cleaned_data
        filters = {k: data[k] for k in ("kind", "province") if data.get(k)}
        return {**filters, "query": data.get("q") or ""}


class SearchForm(forms.Form):
    """A plain search box (GET)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control", "type": "search"}),
    )

    def query(self) -> str:
        return self.cleaned_data["q"] if self.is_valid() else ""
