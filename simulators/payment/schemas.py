"""The payment gateway's request and response bodies, as its OpenAPI document shows them."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from simulators.payment.currencies import ISO_4217

MAX_AMOUNT = 99_999_999_999  # fewer than 13 digits, so no amount can look like a card number


def _whole_number(value: Any) -> Any:
    """JSON Schema counts 1999.0 as an integer, so the gateway does; strings, booleans and fractions
    still fail the strict integer check that follows."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


MinorUnits = Annotated[
    int,
    Field(
        strict=True,
        gt=0,
        le=MAX_AMOUNT,
        description="a positive integer in the currency's minor units: 1999 with EUR is 19.99 EUR",
        examples=[1999],
    ),
    BeforeValidator(_whole_number),
]


def _iso_4217(code: str) -> str:
    if code not in ISO_4217:
        raise PydanticCustomError(
            "currency", "'{code}' is not an ISO 4217 currency code, such as EUR or USD", {"code": code}
        )
    return code


# The pattern is in the schema for clients; the list of codes is enforced here, with a message to act on.
Currency = Annotated[
    str,
    Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 alphabetic currency code", examples=["EUR"]),
    AfterValidator(_iso_4217),
]
Identifier = Annotated[str, Field(min_length=1, max_length=128)]
# The sandbox's whole wallet: the documented test cards (TEST_CARDS); anything else is a 422.
CardToken = Literal[
    "tok_success", "tok_declined", "tok_insufficient_funds", "tok_network_error", "tok_settlement_fails"
]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AuthorizeRequest(_Body):
    amount: MinorUnits
    currency: Currency
    cardToken: CardToken = Field(
        description="a card token, never a card number; the sandbox knows only its test cards",
        examples=["tok_success"],
    )
    purchaseId: Identifier


class CaptureRequest(_Body):
    authorizationId: Identifier
    amount: MinorUnits | None = Field(default=None, description="omitted: the whole authorised amount")


class VoidRequest(_Body):
    authorizationId: Identifier


class AuthorizationView(BaseModel):
    authorizationId: str
    status: Literal["AUTHORIZED", "DECLINED"]
    declineReason: Literal["card_declined", "insufficient_funds"] | None = Field(
        default=None, description="only when DECLINED"
    )
    amount: int
    currency: str
    purchaseId: str
    createdAt: str


class CaptureView(BaseModel):
    captureId: str
    authorizationId: str
    status: Literal["CAPTURED"]
    amount: int
    currency: str
    purchaseId: str
    createdAt: str


class VoidView(BaseModel):
    authorizationId: str
    status: Literal["VOIDED"]
    amount: int
    currency: str
    purchaseId: str
    voidedAt: str


class SettlementData(BaseModel):
    authorizationId: str
    captureId: str
    purchaseId: str
    status: Literal["SETTLED", "FAILED"]
    amount: int
    currency: str
    failureReason: str | None = Field(default=None, description="only when FAILED")


class SettlementWebhook(BaseModel):
    type: Literal["payment.settlement"]
    timestamp: str
    data: SettlementData


class DeliveryList(BaseModel):
    deliveries: list[dict[str, Any]]
