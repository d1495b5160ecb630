import datetime as dt
from decimal import Decimal

from ninja import Schema


class MunicipalityOut(Schema):
    id: int
    istat_code: str
    name: str
    province: str
    region: str
    latitude: Decimal | None
    longitude: Decimal | None


class OrganisationSummary(Schema):
    id: int
    name: str
    kind: str
    municipality: str


class OrganisationOut(OrganisationSummary):
    legal_form: str
    tax_code: str
    vat_number: str
    ateco_code: str
    website: str
    email: str
    phone: str


class PartnerOut(Schema):
    organisation: OrganisationSummary
    role: str


class ProgrammeOut(Schema):
    id: int
    slug: str
    name: str
    summary: str
    status: str
    start_date: dt.date | None
    end_date: dt.date | None
    lead_organisation: OrganisationSummary
    municipalities: list[str]


class ProgrammeDetailOut(ProgrammeOut):
    partners: list[PartnerOut]


class RoleOut(Schema):
    role: str
    scope_kind: str
    scope_id: int


class MeOut(Schema):
    email: str
    full_name: str
    roles: list[RoleOut]


class ErrorOut(Schema):
    detail: str
