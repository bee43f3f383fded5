"""The core's two bearer tokens in the live sandbox: the API token (orders, purchases, traces) and the
operator token (everything, alerts and notifications and faults and the clock included).

`serve` makes a random pair at each start and prints it, unless the environment names them
(CAAS_SANDBOX_TOKEN, CAAS_SANDBOX_OPERATOR_TOKEN): then a script, and the `clock` and `faults` commands,
can know them in advance.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

from caas_core.errors import ConfigError

API_TOKEN_VAR = "CAAS_SANDBOX_TOKEN"
OPERATOR_TOKEN_VAR = "CAAS_SANDBOX_OPERATOR_TOKEN"
_TOKEN = re.compile(r"^[\x21-\x7e]{12,256}$")


@dataclass(frozen=True, slots=True)
class Tokens:
    api: str = field(repr=False)
    operator: str = field(repr=False)

    @classmethod
    def generate(cls) -> Tokens:
        return cls("caas_api_" + secrets.token_urlsafe(18), "caas_ops_" + secrets.token_urlsafe(18))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Tokens:
        """The tokens the environment names, each one missing made at random."""
        env = os.environ if env is None else env
        made = cls.generate()
        api = _checked(env, API_TOKEN_VAR) or made.api
        operator = _checked(env, OPERATOR_TOKEN_VAR) or made.operator
        if api == operator:
            raise ConfigError(f"{API_TOKEN_VAR} and {OPERATOR_TOKEN_VAR} must differ")
        return cls(api, operator)


def _checked(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name)
    if value is None:
        return None
    if not _TOKEN.match(value):
        raise ConfigError(f"{name} must be 12 to 256 printable characters without spaces")
    return value
