"""The national registries: each one's plate format, sandbox credential and owner-data rules.

Owner rules (every country also needs a non-blank `name`; other owner fields are ignored):
- ES (DGT): `nationalId` is a DNI (8 digits) or NIE (X, Y or Z and 7 digits) followed by its check
  letter, "TRWAGMYFPDXBNJZSQVHLCKE"[number % 23], with the NIE's X/Y/Z read as 0/1/2.
- FR (ANTS): `dateOfBirth` is a calendar date written YYYY-MM-DD; `postalCode` is 5 digits.
- DE (KBA): `postalCode` is 5 digits; `city` is not blank.
- IT (ACI-PRA): `codiceFiscale` has the 16-character shape: 6 letters (surname, name), 2 digits (year),
  a month letter, 2 digits (day), a letter and 3 digits (birthplace), a check letter. Capitals only.
- PT (IMT): `nif` is 9 digits; the last is 11 - (sum of the first eight weighted 9..2) % 11, or 0 when
  that is 10 or 11.

Plates are issued in each country's current format (simulators.admin.plates); `plate_pattern` is that
format as a regular expression, for clients and contract matchers, and `plate_format` as people write it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, field_validator
from pydantic_core import PydanticCustomError

from caas_core.config import sandbox_admin_token
from caas_core.systems import admin_system
from simulators.admin.plates import EXAMPLES, FORMATS, PATTERNS

NonBlank = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
PostalCode5 = Annotated[str, Field(pattern=r"^[0-9]{5}$", description="5 digits", examples=["75001"])]
VIN_PATTERN = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")


def _vin(value: str) -> str:
    if not VIN_PATTERN.fullmatch(value):  # fullmatch: "$" alone lets a trailing newline in
        raise PydanticCustomError("vin", "a VIN is 17 characters: digits and capitals other than I, O and Q")
    return value


# The pattern is in the schema for clients; the validator enforces it with a message people can act on.
Vin = Annotated[
    str,
    Field(
        description="17 characters: digits and capitals other than I, O and Q",
        json_schema_extra={"pattern": VIN_PATTERN.pattern},
        examples=["SBXHEALTHY0000001"],
    ),
    AfterValidator(_vin),
]

DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def dni_letter(national_id: str) -> str:
    """The check letter a DNI or NIE (without its letter) should carry."""
    digits = national_id.translate(str.maketrans("XYZ", "012"))
    return DNI_LETTERS[int(digits) % 23]


def nif_check_digit(first_eight: str) -> str:
    remainder = sum(int(d) * w for d, w in zip(first_eight, range(9, 1, -1), strict=True)) % 11
    return "0" if remainder < 2 else str(11 - remainder)


class Owner(BaseModel):
    model_config = ConfigDict(extra="ignore")  # partners may send more than one registry needs

    name: NonBlank


class EsOwner(Owner):
    nationalId: str = Field(
        pattern=r"^([0-9]{8}|[XYZ][0-9]{7})[A-Z]$",
        description="DNI or NIE with its check letter",
        examples=["12345678Z", "X1234567L"],
    )

    @field_validator("nationalId")
    @classmethod
    def _check_letter(cls, value: str) -> str:
        expected = dni_letter(value[:-1])
        if value[-1] != expected:
            raise PydanticCustomError(
                "check_letter", "the check letter should be {expected}", {"expected": expected}
            )
        return value


class FrOwner(Owner):
    dateOfBirth: str = Field(
        pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", json_schema_extra={"format": "date"}, examples=["1985-04-12"]
    )
    postalCode: PostalCode5

    @field_validator("dateOfBirth")
    @classmethod
    def _calendar_date(cls, value: str) -> str:
        try:
            date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError("date", "{value} is not a calendar date", {"value": value}) from None
        return value


class DeOwner(Owner):
    postalCode: PostalCode5
    city: NonBlank


class ItOwner(Owner):
    codiceFiscale: str = Field(
        pattern=r"^[A-Z]{6}[0-9]{2}[ABCDEHLMPRST][0-9]{2}[A-Z][0-9]{3}[A-Z]$",
        description="16 characters, capitals and digits",
        examples=["RSSMRA85T10A562S"],
    )


class PtOwner(Owner):
    nif: str = Field(
        pattern=r"^[0-9]{9}$", description="9 digits, the last a check digit", examples=["123456789"]
    )

    @field_validator("nif")
    @classmethod
    def _check_digit(cls, value: str) -> str:
        expected = nif_check_digit(value[:8])
        if value[8] != expected:
            raise PydanticCustomError(
                "check_digit", "the check digit should be {expected}", {"expected": expected}
            )
        return value


class RegistrationRequest(BaseModel):
    """What every registry receives; each country narrows `country` and `owner`."""

    vin: Vin
    country: str
    orderId: NonBlank
    owner: Owner


class EsRegistrationRequest(RegistrationRequest):
    country: Literal["ES"]
    owner: EsOwner


class FrRegistrationRequest(RegistrationRequest):
    country: Literal["FR"]
    owner: FrOwner


class DeRegistrationRequest(RegistrationRequest):
    country: Literal["DE"]
    owner: DeOwner


class ItRegistrationRequest(RegistrationRequest):
    country: Literal["IT"]
    owner: ItOwner


class PtRegistrationRequest(RegistrationRequest):
    country: Literal["PT"]
    owner: PtOwner


@dataclass(frozen=True, slots=True)
class Country:
    code: str  # ISO 3166-1 alpha-2
    name: str
    registry: str  # the national body the simulator stands in for
    token: str  # the sandbox bearer credential
    request: type[RegistrationRequest]

    @property
    def plate_pattern(self) -> str:
        return PATTERNS[self.code]

    @property
    def plate_format(self) -> str:
        return FORMATS[self.code]

    @property
    def plate_example(self) -> str:
        return EXAMPLES[self.code]

    @property
    def system(self) -> str:
        """How the CaaS core and the runtime's transports name this registry."""
        return admin_system(self.code)


REGISTRIES: dict[str, Country] = {
    c.code: c
    for c in (
        Country(
            "ES",
            "Spain",
            "DGT",
            sandbox_admin_token("ES"),
            EsRegistrationRequest,
        ),
        Country(
            "FR",
            "France",
            "ANTS",
            sandbox_admin_token("FR"),
            FrRegistrationRequest,
        ),
        Country(
            "DE",
            "Germany",
            "KBA",
            sandbox_admin_token("DE"),
            DeRegistrationRequest,
        ),
        Country(
            "IT",
            "Italy",
            "ACI-PRA",
            sandbox_admin_token("IT"),
            ItRegistrationRequest,
        ),
        Country(
            "PT",
            "Portugal",
            "IMT",
            sandbox_admin_token("PT"),
            PtRegistrationRequest,
        ),
    )
}

COUNTRIES: tuple[str, ...] = tuple(REGISTRIES)


def country(code: str) -> Country:
    """The registry for an ISO country code, in either case; a ValueError names the known ones."""
    found = REGISTRIES.get(code.upper())
    if found is None:
        raise ValueError(f"no admin registry for country {code!r}; known: {', '.join(COUNTRIES)}")
    return found
