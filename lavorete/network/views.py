"""Back-office pages of the partner network (/gestione/): thin, over services and selectors."""

import os
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, ListView, TemplateView, View

from lavorete.core.audit import log_personal_data_access
from lavorete.core.backoffice import BackofficeMixin, ObjectMixin, ServiceFormMixin
from lavorete.core.exports import tabular_response
from lavorete.core.permissions import has_perm, has_perm_somewhere
from lavorete.core.personal_data import fields_of
from lavorete.network.forms import (
    AgreementForm,
    ContactForm,
    OrganisationFilterForm,
    OrganisationForm,
    ProgrammeForm,
    ProgrammePartnerForm,
    SearchForm,
)
from lavorete.network.models import Contact, Organisation, ProgrammeStatus
from lavorete.network.permissions import (
    get_agreement_for_user,
    get_contact_for_user,
    get_organisation_for_user,
    get_programme_for_user,
    get_programme_partner_for_user,
)
from lavorete.network.selectors import (
    agreement_list,
    contact_list,
    organisation_list,
    organisations_visible_to,
    programme_list,
    programme_partners,
)
from lavorete.network.services import (
    agreement_create,
    agreement_update,
    contact_create,
    contact_delete,
    contact_update,
    organisation_create,
    organisation_update,
    programme_create,
    programme_partner_add,
    programme_partner_remove,
    programme_update,
)
from lavorete.territory.models import Province

CONTACT_PURPOSE = gettext_lazy("Managing the partnership")


def log_contacts_read(request: HttpRequest, contacts: list[Contact], fields: list[str]) -> None:
    """One access-log row per contact whose personal data the page shows."""
    for contact in contacts:
        log_personal_data_access(
            actor=request.user,
            subject=contact,
            fields=fields,
            purpose=str(CONTACT_PURPOSE),
            path=request.get_full_path(),
        )


# --- organisations -------------------------------------------------------------


class OrganisationListView(BackofficeMixin, ListView):
    permission = "network.view_organisation"
    template_name = "network/organisation_list.html"
    context_object_name = "organisations"
    paginate_by = 25

    def filter_form(self) -> OrganisationFilterForm:
        if not hasattr(self, "_filter_form"):
            visible = organisations_visible_to(self.request.user)
            provinces = Province.objects.filter(
                pk__in=visible.values("municipality__province")
            ).order_by("name")
            self._filter_form = OrganisationFilterForm(self.request.GET, provinces=provinces)
        return self._filter_form

    def get_queryset(self) -> Any:
        return organisation_list(self.request.user, **self.filter_form().filters())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filter_form=self.filter_form(),
            export_query=query.urlencode(),
            can_create=has_perm_somewhere(self.request.user, "network.create_organisation"),
            **kwargs,
        )


class OrganisationExportView(OrganisationListView):
    """The filtered organisation list as CSV or XLSX (organisation data only, no contacts)."""

    formats = ("csv", "xlsx")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        fmt = kwargs["fmt"]
        if fmt not in self.formats:
            raise Http404
        header = [
            _("Name"),
            _("Kind"),
            _("Legal form"),
            _("Tax code"),
            _("VAT number"),
            _("ATECO code"),
            _("ATECO activity"),
            _("Municipality"),
            _("Province"),
            _("Address"),
            _("Postcode"),
            _("Website"),
            _("E-mail"),
            _("Telephone"),
        ]
        rows = (
            [
                o.name,
                o.get_kind_display(),
                o.get_legal_form_display(),
                o.tax_code,
                o.vat_number,
                o.ateco_code,
                o.ateco_description,
                o.municipality.name,
                o.municipality.province.abbreviation,
                o.address,
                o.postcode,
                o.website,
                o.email,
                o.phone,
            ]
            for o in self.get_queryset().iterator(chunk_size=500)
        )
        return tabular_response(filename="organisations", fmt=fmt, header=header, rows=rows)


class OrganisationCreateView(BackofficeMixin, ServiceFormMixin, FormView):
    permission = "network.create_organisation"
    template_name = "network/organisation_form.html"
    form_class = OrganisationForm
    success_message = gettext_lazy("Organisation registered.")

    def run_service(self, form: OrganisationForm) -> Organisation:
        return organisation_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self) -> str:
        return reverse("network:organisation_detail", args=[self.saved.pk])


class OrganisationDetailView(BackofficeMixin, ObjectMixin, TemplateView):
    permission = "network.view_organisation"
    template_name = "network/organisation_detail.html"

    def get_object(self) -> Organisation:
        return get_organisation_for_user(self.request.user, self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        organisation = self.object
        contacts = list(contact_list(user, organisation))
        log_contacts_read(self.request, contacts, fields_of(Contact))
        return super().get_context_data(
            organisation=organisation,
            contacts=contacts,
            can_view_contacts=has_perm(user, "network.view_contact", organisation),
            can_manage=has_perm(user, "network.manage_organisation", organisation),
            can_manage_contacts=has_perm(user, "network.manage_contact", organisation),
            programmes=programme_list(user, organisation=organisation),
            agreements=agreement_list(user, organisation=organisation),
            **kwargs,
        )


class OrganisationUpdateView(BackofficeMixin, ObjectMixin, ServiceFormMixin, FormView):
    permission = "network.manage_organisation"
    template_name = "network/organisation_form.html"
    form_class = OrganisationForm
    success_message = gettext_lazy("Organisation updated.")

    def get_object(self) -> Organisation:
        return get_organisation_for_user(
            self.request.user, self.kwargs["pk"], perm="network.manage_organisation"
        )

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.object}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(organisation=self.object, **kwargs)

    def run_service(self, form: OrganisationForm) -> Organisation:
        return organisation_update(
            actor=self.request.user, organisation=self.object, **form.cleaned_data
        )

    def get_success_url(self) -> str:
        return reverse("network:organisation_detail", args=[self.object.pk])


# --- contacts ------------------------------------------------------------------


class ContactCreateView(BackofficeMixin, ObjectMixin, ServiceFormMixin, FormView):
    permission = "network.manage_contact"
    template_name = "network/contact_form.html"
    form_class = ContactForm
    success_message = gettext_lazy("Contact added.")

    def get_object(self) -> Organisation:
        return get_organisation_for_user(
            self.request.user, self.kwargs["pk"], perm="network.manage_contact"
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(organisation=self.object, **kwargs)

    def run_service(self, form: ContactForm) -> Contact:
        return contact_create(
            actor=self.request.user, organisation=self.object, **form.cleaned_data
        )

    def get_success_url(self) -> str:
        return reverse("network:organisation_detail", args=[self.object.pk])


class ContactUpdateView(BackofficeMixin, ObjectMixin, ServiceFormMixin, FormView):
    permission = "network.manage_contact"
    template_name = "network/contact_form.html"
    form_class = ContactForm
    success_message = gettext_lazy("Contact updated.")

    def get_object(self) -> Contact:
        return get_contact_for_user(
            self.request.user,
            self.kwargs["contact_pk"],
            perm="network.manage_contact",
            organisation_pk=self.kwargs["pk"],
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # The form shows the contact's data: that is a read of personal data.
        log_contacts_read(request, [self.object], fields_of(Contact))
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.object}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            organisation=self.object.organisation, contact=self.object, **kwargs
        )

    def run_service(self, form: ContactForm) -> Contact:
        return contact_update(actor=self.request.user, contact=self.object, **form.cleaned_data)

    def get_success_url(self) -> str:
        return reverse("network:organisation_detail", args=[self.object.organisation_id])


class ContactDeleteView(BackofficeMixin, ObjectMixin, TemplateView):
    """GET asks for confirmation; POST deletes."""

    permission = "network.manage_contact"
    template_name = "network/contact_confirm_delete.html"

    def get_object(self) -> Contact:
        return get_contact_for_user(
            self.request.user,
            self.kwargs["contact_pk"],
            perm="network.manage_contact",
            organisation_pk=self.kwargs["pk"],
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        log_contacts_read(request, [self.object], ["first_name", "last_name"])
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            organisation=self.object.organisation, contact=self.object, **kwargs
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        organisation_pk = self.object.organisation_id
        contact_delete(actor=request.user, contact=self.object)
        messages.success(request, _("Contact deleted."))
        return HttpResponseRedirect(reverse("network:organisation_detail", args=[organisation_pk]))


# --- agreements ----------------------------------------------------------------


class AgreementListView(BackofficeMixin, ListView):
    permission = "network.view_agreement"
    template_name = "network/agreement_list.html"
    context_object_name = "agreements"
    paginate_by = 25

    def get_queryset(self) -> Any:
        self.search_form = SearchForm(self.request.GET)
        return agreement_list(self.request.user, query=self.search_form.query())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            search_form=self.search_form,
            can_create=has_perm_somewhere(self.request.user, "network.manage_agreement"),
            **kwargs,
        )


class _AgreementFormMixin(ServiceFormMixin):
    def get_form_kwargs(self) -> dict[str, Any]:
        user = self.request.user  # type: ignore[attr-defined]
        return {
            **super().get_form_kwargs(),  # type: ignore[misc]
            "organisations": organisations_visible_to(user),
            "programmes": programme_list(user),
        }

    def get_success_url(self) -> str:
        return reverse("network:agreement_detail", args=[self.saved.pk])


class AgreementCreateView(BackofficeMixin, _AgreementFormMixin, FormView):
    permission = "network.manage_agreement"
    template_name = "network/agreement_form.html"
    form_class = AgreementForm
    success_message = gettext_lazy("Agreement recorded.")

    def run_service(self, form: AgreementForm) -> Model:
        data = dict(form.cleaned_data)
        data["document"] = data.get("document") or None
        return agreement_create(actor=self.request.user, **data)


class AgreementDetailView(BackofficeMixin, ObjectMixin, TemplateView):
    permission = "network.view_agreement"
    template_name = "network/agreement_detail.html"

    def get_object(self) -> Any:
        return get_agreement_for_user(self.request.user, self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        agreement = self.object
        user = self.request.user
        return super().get_context_data(
            agreement=agreement,
            signatories=agreement.signatories.select_related("municipality__province").order_by(
                "name"
            ),
            programmes=programme_list(user).filter(agreements=agreement),
            municipalities=agreement.municipalities.select_related("province").order_by("name"),
            document_name=os.path.basename(agreement.document.name or ""),
            can_manage=has_perm(user, "network.manage_agreement", agreement),
            **kwargs,
        )


class AgreementUpdateView(BackofficeMixin, ObjectMixin, _AgreementFormMixin, FormView):
    permission = "network.manage_agreement"
    template_name = "network/agreement_form.html"
    form_class = AgreementForm
    success_message = gettext_lazy("Agreement updated.")

    def get_object(self) -> Any:
        return get_agreement_for_user(
            self.request.user, self.kwargs["pk"], perm="network.manage_agreement"
        )

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.object}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(agreement=self.object, **kwargs)

    def run_service(self, form: AgreementForm) -> Model:
        data = {
            k: v for k, v in form.cleaned_data.items() if k not in ("document", "remove_document")
        }
        return agreement_update(
            actor=self.request.user, agreement=self.object, **data, **form.document_change()
        )


class AgreementDocumentView(BackofficeMixin, ObjectMixin, View):
    """The signed document, as a download, to those who may see the agreement."""

    permission = "network.view_agreement"

    def get_object(self) -> Any:
        return get_agreement_for_user(self.request.user, self.kwargs["pk"])

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        document = self.object.document
        if not document:
            raise Http404
        try:
            handle = document.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        response = FileResponse(
            handle, as_attachment=True, filename=os.path.basename(document.name)
        )
        response["Cache-Control"] = "private, no-store"
        return response


# --- programmes ----------------------------------------------------------------


class ProgrammeListView(BackofficeMixin, ListView):
    permission = "network.view_programme"
    template_name = "network/programme_list.html"
    context_object_name = "programmes"
    paginate_by = 25

    def get_queryset(self) -> Any:
        self.search_form = SearchForm(self.request.GET)
        status = self.request.GET.get("status", "")
        self.status = status if status in ProgrammeStatus.values else ""
        return programme_list(self.request.user, query=self.search_form.query(), status=self.status)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            search_form=self.search_form,
            statuses=ProgrammeStatus.choices,
            current_status=self.status,
            can_create=has_perm_somewhere(self.request.user, "network.create_programme"),
            **kwargs,
        )


class ProgrammeCreateView(BackofficeMixin, ServiceFormMixin, FormView):
    permission = "network.create_programme"
    template_name = "network/programme_form.html"
    form_class = ProgrammeForm
    success_message = gettext_lazy("Programme created.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            **super().get_form_kwargs(),
            "organisations": organisations_visible_to(self.request.user),
        }

    def run_service(self, form: ProgrammeForm) -> Model:
        return programme_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self) -> str:
        return reverse("network:programme_detail", args=[self.saved.pk])


class ProgrammeDetailView(BackofficeMixin, ObjectMixin, TemplateView):
    permission = "network.view_programme"
    template_name = "network/programme_detail.html"

    def get_object(self) -> Any:
        return get_programme_for_user(self.request.user, self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        programme = self.object
        user = self.request.user
        return super().get_context_data(
            programme=programme,
            partners=programme_partners(programme),
            municipalities=programme.municipalities.select_related("province").order_by("name"),
            agreements=agreement_list(user).filter(programmes=programme),
            can_manage=has_perm(user, "network.manage_programme", programme),
            **kwargs,
        )


class ProgrammeUpdateView(BackofficeMixin, ObjectMixin, ServiceFormMixin, FormView):
    permission = "network.manage_programme"
    template_name = "network/programme_form.html"
    form_class = ProgrammeForm
    success_message = gettext_lazy("Programme updated.")

    def get_object(self) -> Any:
        return get_programme_for_user(
            self.request.user, self.kwargs["pk"], perm="network.manage_programme"
        )

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            **super().get_form_kwargs(),
            "instance": self.object,
            "organisations": organisations_visible_to(self.request.user),
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(programme=self.object, **kwargs)

    def run_service(self, form: ProgrammeForm) -> Model:
        return programme_update(actor=self.request.user, programme=self.object, **form.cleaned_data)

    def get_success_url(self) -> str:
        return reverse("network:programme_detail", args=[self.object.pk])


class ProgrammePartnerAddView(BackofficeMixin, ObjectMixin, ServiceFormMixin, FormView):
    permission = "network.manage_programme"
    template_name = "network/programme_partner_form.html"
    form_class = ProgrammePartnerForm
    success_message = gettext_lazy("Partner added.")

    def get_object(self) -> Any:
        return get_programme_for_user(
            self.request.user, self.kwargs["pk"], perm="network.manage_programme"
        )

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            **super().get_form_kwargs(),
            "organisations": organisations_visible_to(self.request.user),
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(programme=self.object, **kwargs)

    def run_service(self, form: ProgrammePartnerForm) -> Model:
        return programme_partner_add(
            actor=self.request.user, programme=self.object, **form.cleaned_data
        )

    def get_success_url(self) -> str:
        return reverse("network:programme_detail", args=[self.object.pk])


class ProgrammePartnerRemoveView(BackofficeMixin, ObjectMixin, TemplateView):
    """GET asks for confirmation; POST removes the organisation's role."""

    permission = "network.manage_programme"
    template_name = "network/programme_partner_confirm_remove.html"

    def get_object(self) -> Any:
        return get_programme_partner_for_user(
            self.request.user, self.kwargs["partner_pk"], programme_pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            partner=self.object, programme=self.object.programme, **kwargs
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        partner = self.object
        try:
            programme_partner_remove(actor=request.user, partner=partner)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Partner removed."))
        return HttpResponseRedirect(
            reverse("network:programme_detail", args=[partner.programme_id])
        )
