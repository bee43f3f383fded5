"""The payment gateway's provider states, as the contracts name them (see `contracts/states.py`)."""

from __future__ import annotations

from simulators.kit.provider_states import Params, ProviderStates, expect, integer, text
from simulators.payment.model import DECLINED, LIFECYCLE, TEST_CARDS, Authorization, PaymentModel


def _approved(model: PaymentModel, params: Params) -> None:
    card = TEST_CARDS.get(text(params, "cardToken"))
    expect(card is not None and not card.decline_reason and not card.network_failure, "not an approving card")


def _declined(model: PaymentModel, params: Params) -> None:
    card = TEST_CARDS.get(text(params, "cardToken"))
    reason = text(params, "declineReason")
    expect(card is not None and card.decline_reason == reason, f"no sandbox card is declined for {reason}")


def _authorization(model: PaymentModel, params: Params) -> None:
    status = text(params, "status")
    statuses = LIFECYCLE.states
    expect(status in statuses, f"status must be one of {', '.join(statuses)}, got {status!r}")
    authorization = Authorization(
        text(params, "authorizationId"),
        text(params, "purchaseId"),
        integer(params, "amount"),
        text(params, "currency"),
        "tok_success",  # seeded authorisations settle like an approved card's
        status,
        "card_declined" if status == DECLINED else None,
        model.runtime.now(),
    )
    model.authorizations[authorization.id] = authorization


STATES: ProviderStates = {
    "card token {cardToken} is approved": _approved,
    "card token {cardToken} is declined for {declineReason}": _declined,
    "authorization {authorizationId} exists in status {status}": _authorization,
}
