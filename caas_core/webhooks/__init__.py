"""Incoming webhooks: the receiver's security and idempotency rules."""

from caas_core.webhooks.receiver import Verdict, WebhookReceiver, WebhookSource

__all__ = ["Verdict", "WebhookReceiver", "WebhookSource"]
