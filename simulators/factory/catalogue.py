"""What the sandbox factory builds: models, their trims and options, colours, destination countries.

The Literal types document the catalogue in the OpenAPI schema; the tables below say which trims and
options each model offers, and the validators reject a combination the factory does not build, naming
the field. VINs are derived from the order, so the same order gets the same VIN in every run.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from caas_core.systems import Country
from simulators.kit.fleet import check_digit

ModelName = Literal["CITY", "TOURER", "SUV"]
Trim = Literal["BASE", "STYLE", "LUXURY", "ADVENTURE"]
Colour = Literal["WHITE", "BLACK", "SILVER", "RED", "BLUE", "GREEN"]
OptionName = Literal["HEAT_PUMP", "PREMIUM_AUDIO", "WINTER_PACK", "SUNROOF", "TOW_BAR", "ROOF_RAILS"]

TRIMS: dict[str, tuple[str, ...]] = {
    "CITY": ("BASE", "STYLE"),
    "TOURER": ("BASE", "STYLE", "LUXURY"),
    "SUV": ("STYLE", "LUXURY", "ADVENTURE"),
}
OPTIONS: dict[str, tuple[str, ...]] = {
    "CITY": ("HEAT_PUMP", "PREMIUM_AUDIO", "WINTER_PACK"),
    "TOURER": ("HEAT_PUMP", "PREMIUM_AUDIO", "WINTER_PACK", "SUNROOF", "TOW_BAR"),
    "SUV": ("HEAT_PUMP", "PREMIUM_AUDIO", "WINTER_PACK", "SUNROOF", "TOW_BAR", "ROOF_RAILS"),
}

# VIN parts (ISO 3779): "VS" is a Spanish world manufacturer prefix; the rest is the sandbox's own coding.
WMI = "VSX"
MODEL_CODES = {"CITY": "C1", "TOURER": "T2", "SUV": "S3"}
TRIM_CODES = {"BASE": "B", "STYLE": "S", "LUXURY": "L", "ADVENTURE": "A"}
YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"  # model years 2010..2039; the code repeats every 30 years
PLANT = "M"


class VehicleSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # Field order matters: trim and options are checked against the model validated before them.
    model: ModelName
    trim: Trim
    colour: Colour
    options: list[OptionName] = Field(default_factory=list, max_length=len(OPTIONS["SUV"]))
    country: Country

    @field_validator("trim")
    @classmethod
    def _trim_offered(cls, trim: str, info: ValidationInfo) -> str:
        model = info.data.get("model")
        if model is not None and trim not in TRIMS[model]:
            raise ValueError(f"{trim} is not offered on {model}; choose one of {', '.join(TRIMS[model])}")
        return trim

    @field_validator("options")
    @classmethod
    def _options_offered(cls, options: list[str], info: ValidationInfo) -> list[str]:
        if len(set(options)) != len(options):
            raise ValueError("each option may be listed once")
        model = info.data.get("model")
        missing = [o for o in options if model is not None and o not in OPTIONS[model]]
        if missing:
            raise ValueError(f"{', '.join(missing)} not offered on {model}")
        return options


def vin_for(spec: VehicleSpec, number: int, ready_unix: float) -> str:
    """The VIN of the `number`th order: plant serial = order number, model year = the year it is ready."""
    year = datetime.fromtimestamp(ready_unix, UTC).year
    body = (
        WMI
        + MODEL_CODES[spec.model]
        + TRIM_CODES[spec.trim]
        + "FS"
        + "0"  # the check digit's place
        + YEAR_CODES[(year - 2010) % 30]
        + PLANT
        + f"{number % 1_000_000:06d}"
    )
    return body[:8] + check_digit(body) + body[9:]
