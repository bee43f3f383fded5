"""The contracts' parties and provider states: the names the pacts use, and what each state must set up.

A provider state is named with its parameters in braces; the values come with each interaction in the
pact ("order {orderId} exists in status {status}" with orderId, status, ...). A provider implements one
handler per name behind its state-change URL. Set-up makes the state true; tear-down undoes it (the
sandbox simulators simply reset). `caas-sandbox contracts list` prints this catalogue with the values
each interaction passes.
"""

from __future__ import annotations

from caas_core.systems import COUNTRIES, admin_system

CONSUMER = "caas-core"  # the core's adapters: every HTTP contract
WEBHOOK_CONSUMER = "caas-webhooks"  # the core's webhook receipt: the message contracts

FACTORY = "factory-api"
VSS = "vss-api"
IOT = "iot-api"
PAYMENT = "payment-gateway"
ADMIN_COUNTRIES = COUNTRIES


def admin(country: str) -> str:
    """The provider name of a country's registry: 'ES' -> 'admin-registration-es'."""
    return f"admin-registration-{country.lower()}"


# Provider name -> the sandbox simulator that stands in for it (its system name).
SYSTEMS: dict[str, str] = {
    FACTORY: "factory",
    VSS: "vss",
    IOT: "iot",
    PAYMENT: "payment",
    **{admin(code): admin_system(code) for code in ADMIN_COUNTRIES},
}
# The providers partners build; the others are pre-existing or third-party systems we only describe.
TO_BE_BUILT = (FACTORY, *(admin(code) for code in ADMIN_COUNTRIES))

# -- Factory ---------------------------------------------------------------------------------------
FACTORY_BUILDS = "the Factory builds vehicle spec {model} {trim}"
FACTORY_DOES_NOT_BUILD = "the Factory does not build a {model} in trim {trim}"
ORDER_EXISTS = "order {orderId} exists in status {status}"
ORDER_MISSING = "order {orderId} does not exist"
API_KEY_INVALID = "API key {apiKey} is not valid"
ORDER_MOVES = "order {orderId} moves from {previousStatus} to {status}"
# -- Admin registries ------------------------------------------------------------------------------
VEHICLE_NOT_REGISTERED = "vehicle {vin} is not registered in {country}"
VEHICLE_REGISTERED = "vehicle {vin} is already registered in {country}"
# -- VSS -------------------------------------------------------------------------------------------
VSS_CLIENT = "client {clientId} has client credentials"
VSS_TOKEN_VALID = "access token {accessToken} is valid"
VSS_MAINTENANCE = "vehicle {vin} has maintenance status {status}"
VSS_UNKNOWN_VEHICLE = "vehicle {vin} is unknown to VSS"
# -- IoT -------------------------------------------------------------------------------------------
IOT_VEHICLE_KNOWN = "vehicle {vin} is known to the IoT platform"
IOT_COMMAND = "command {commandId} for vehicle {vin} is {status}"
# -- Payment gateway -------------------------------------------------------------------------------
CARD_APPROVED = "card token {cardToken} is approved"
CARD_DECLINED = "card token {cardToken} is declined for {declineReason}"
AUTHORIZATION_EXISTS = "authorization {authorizationId} exists in status {status}"
CAPTURE_SETTLES = "a capture for purchase {purchaseId} settles as {status}"

# What a provider's handler must make true for each state.
SETUP: dict[str, str] = {
    FACTORY_BUILDS: "the catalogue offers this model in this trim, colour and options, for delivery to "
    "`country`; an order for it is accepted",
    FACTORY_DOES_NOT_BUILD: "the catalogue does not offer this model in this trim; an order for it is "
    "refused with 422",
    ORDER_EXISTS: "an order with id `orderId` exists in `status`, its latest status change numbered "
    "`sequence`, with VIN `vin` when READY",
    ORDER_MISSING: "no order has the id `orderId`",
    API_KEY_INVALID: "`apiKey` is not an API key the Factory accepts",
    ORDER_MOVES: "an order `orderId` changes from `previousStatus` to `status` (its change number "
    "`sequence`), so the Factory sends the status webhook",
    VEHICLE_NOT_REGISTERED: "the registry holds no registration for `vin`",
    VEHICLE_REGISTERED: "the registry holds a registration of `vin`, made for order `orderId`, with id "
    "`registrationId` and plate `plate`",
    VSS_CLIENT: "`clientId` is a registered OAuth client, with the secret the request's Basic "
    "credential holds",
    VSS_TOKEN_VALID: "`accessToken` is a valid, unexpired bearer token",
    VSS_MAINTENANCE: "VSS has a maintenance record for `vin`: `status` at `percentage` percent",
    VSS_UNKNOWN_VEHICLE: "VSS has no vehicle `vin`",
    IOT_VEHICLE_KNOWN: "`vin` is a vehicle of the IoT platform",
    IOT_COMMAND: "a configuration command `commandId` for `vin` (service `serviceId`) is in `status`, "
    "with `failureReason` when FAILED",
    CARD_APPROVED: "the gateway authorises payments on `cardToken`",
    CARD_DECLINED: "the gateway declines payments on `cardToken` with `declineReason`",
    AUTHORIZATION_EXISTS: "an authorisation `authorizationId` of `amount` `currency` for purchase "
    "`purchaseId` is in `status`",
    CAPTURE_SETTLES: "a capture of `amount` `currency` for purchase `purchaseId` settles with `status` "
    "(and `failureReason` when FAILED), so the gateway sends the settlement webhook",
}

# States of interactions that send a deliberately wrong credential. A --header that replaces that
# credential would defeat them, so `contracts verify` replays these without the partner's headers.
CREDENTIAL_REJECTED = (API_KEY_INVALID,)
