"""GET /metrics: Prometheus text on the metrics port only, never on the API port."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import AsyncEngine

from app import metrics
from app.db import backlogs
from tests import factories
from tests.factories import Auth


def samples() -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(metrics.render().decode()):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


async def test_metrics_are_not_served_on_the_api_port(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    anonymous = await client.get("/metrics")
    assert anonymous.status_code == 404
    assert "ilonet_requests_total" not in anonymous.text
    auditor = await client.get("/metrics", headers=auth("COM", ["auditor"]))
    assert auditor.status_code == 404
    assert "ilonet_requests_total" not in auditor.text


async def test_the_metrics_port_counts_requests_by_route_and_decisions_by_outcome(
    client: httpx.AsyncClient, auth: Auth, app_engine: AsyncEngine
) -> None:
    before = samples()
    nl = auth("NL", ["deploying_authority"])
    created = await factories.create_authority(client, nl)
    denied = await client.post("/v1/authorities", json=factories.authority_body("FR"), headers=nl)
    assert denied.status_code == 403
    got = await client.get(f"/v1/authorities/{created['id']}", headers=nl)
    assert got.status_code == 200

    metrics_port = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=metrics.MetricsApp()), base_url="http://metrics"
    )
    async with metrics_port:
        response = await metrics_port.get("/metrics")
        other = await metrics_port.get("/v1/authorities")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    assert other.status_code == 404

    after = samples()

    def grew(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0.0) - before.get(key, 0.0)

    assert grew("ilonet_decisions_total", action="authority.create", outcome="allowed") == 1
    assert grew("ilonet_decisions_total", action="authority.create", outcome="denied") == 1
    assert grew("ilonet_requests_total", method="POST", route="/v1/authorities", status="201") == 1
    assert grew("ilonet_requests_total", method="POST", route="/v1/authorities", status="403") == 1
    route = "/v1/authorities/{authority_id}"
    assert grew("ilonet_request_seconds_count", method="GET", route=route) == 1
    # No resource id, organisation or person in any label.
    assert created["id"] not in metrics.render().decode()

    await backlogs.sample(app_engine)
    gauges = samples()
    assert gauges[("ilonet_audit_unsealed_events", ())] >= 0
    assert gauges[("ilonet_webhook_backlog", ())] >= 0
    assert gauges[("ilonet_db_pool_size", ())] >= 1
