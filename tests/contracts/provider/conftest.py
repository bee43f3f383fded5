"""Every simulator served once for the provider tests: they verify in turn, each interaction's state
torn down after it, so sharing the servers costs no isolation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from contracts import states
from tests.contracts.provider.servers import served


@pytest.fixture(scope="session")
def provider_urls() -> Iterator[dict[str, str]]:
    with served(dict.fromkeys(states.SYSTEMS)) as urls:
        yield urls
