"""A Pact Broker as the source of the pacts, and as where the verification results go back.

Rules:
1. Credentials come from the environment only, under the names Pact's own tools read:
   PACT_BROKER_TOKEN (a bearer token), or PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD (basic
   authentication), which may instead be written into the URL. Never an option: options end up in shell
   histories and CI logs.
2. Nothing shown or written carries a credential: `redact` masks the URL's user and password, and the
   token's and the password's values wherever they appear.
3. Results are published only for pacts fetched from the broker, which links each pact to where its
   results go, and only under a provider version; the branch is optional.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from caas_core.errors import ConfigError

if TYPE_CHECKING:
    from pact import Verifier

TOKEN, USERNAME, PASSWORD = "PACT_BROKER_TOKEN", "PACT_BROKER_USERNAME", "PACT_BROKER_PASSWORD"
MASK = "***"
# "https://user:password@", wherever a URL begins in a text
_URL_CREDENTIALS = re.compile(r"\b([A-Za-z][A-Za-z0-9+.-]*://)[^/?#\s@]*@")
# How the Rust verifier logs a publication it could not make: its results do not say.
_PUBLISH_FAILED = re.compile(r"(?:Publishing of verification results failed|Failed to publish).*", re.I)


def shown(url: str) -> str:
    """`url` without the user and password it may carry."""
    return _URL_CREDENTIALS.sub(rf"\1{MASK}@", url)


def redact(text: str, environ: Mapping[str, str] = os.environ) -> str:
    """`text` without the broker credentials the environment holds, for a message made before (or
    without) a Broker: an error raised by the Pact FFI, say."""
    for secret in sorted((environ.get(TOKEN), environ.get(PASSWORD)), key=lambda v: -len(v or "")):
        if secret:
            text = text.replace(secret, MASK)
    return text


@dataclass(frozen=True)
class Broker:
    url: str  # as given, credentials and all; shown only through `shown`
    token: str | None = field(default=None, repr=False)
    username: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)
    provider_version: str | None = None  # set: publish the results under this version
    branch: str | None = None

    @classmethod
    def from_environment(
        cls,
        url: str,
        *,
        provider_version: str | None = None,
        branch: str | None = None,
        environ: Mapping[str, str] = os.environ,
    ) -> Broker:
        """The broker at `url`, its credentials read from `environ` (rule 1); a mix that cannot
        authenticate is one ConfigError."""
        token = environ.get(TOKEN) or None
        username, password = environ.get(USERNAME) or None, environ.get(PASSWORD) or None
        parts = urlsplit(url)
        if token and (username or password or parts.username):
            raise ConfigError(
                f"{TOKEN} and a user and password are both set for the broker: use one or the other"
            )
        if parts.username and (username or password):
            raise ConfigError(
                f"the --broker-url carries a user and {USERNAME} or {PASSWORD} is set too: "
                "use one or the other"
            )
        if branch is not None and provider_version is None:
            raise ConfigError("--provider-branch needs --provider-version: results are published under both")
        return cls(url, token, username, password, provider_version, branch)

    @property
    def publishes(self) -> bool:
        return self.provider_version is not None

    def fetching_only(self) -> Broker:
        """The same broker, for a pass of the verifier whose results are not to be published."""
        return replace(self, provider_version=None, branch=None)

    def add_to(self, verifier: Verifier) -> None:
        """Fetch the provider's pacts from the broker, and publish the results when a version is set."""
        # use_env=False: the values read here are the only ones used, so `redact` knows every secret.
        verifier.broker_source(
            self.url, username=self.username, password=self.password, token=self.token, use_env=False
        )
        if self.provider_version is not None:
            verifier.set_publish_options(self.provider_version, branch=self.branch)

    def secrets(self) -> list[str]:
        """The token and the password (a user name is no secret, and masking a short one would garble
        text), wherever they were given."""
        parts = urlsplit(self.url)
        found = [self.token, self.password, parts.password, parts.password and unquote(parts.password)]
        return [s for s in found if s]

    def redact(self, text: str) -> str:
        """`text` with no credential in it (rule 2)."""
        text = _URL_CREDENTIALS.sub(rf"\1{MASK}@", text)
        for secret in sorted(self.secrets(), key=len, reverse=True):  # a longer secret may hold a shorter
            text = text.replace(secret, MASK)
        return text

    def publication(self) -> str:
        """What the results are published as, for the report's notes."""
        branch = f", branch {self.branch}" if self.branch else ""
        return f"results published to {shown(self.url)} as provider version {self.provider_version}{branch}"

    def publish_failure(self, log: str) -> str | None:
        """The verifier's line saying the results could not be published, if it logged one."""
        found = _PUBLISH_FAILED.search(log)
        return self.redact(found.group(0).strip())[:300] if found else None
