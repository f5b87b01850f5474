"""Where the delivery of a feed event to a webhook subscription stands."""

from enum import StrEnum


class WebhookDeliveryStatus(StrEnum):
    """Where one delivery of a feed event to a subscription stands."""

    pending = "pending"
    delivered = "delivered"
    failed = "failed"
