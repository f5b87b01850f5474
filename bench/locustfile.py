"""The load of the harness (locust, headless): POSTs of one body to one path.

Configured by the environment the harness sets: BENCH_PATH, BENCH_TOKEN, BENCH_BODY (JSON) and
BENCH_RATE: 0 is a closed loop (each user sends its next request as soon as the last is
answered); r > 0 is r requests per second per user (`constant_throughput`), so N users make an
open loop of N x r requests per second while responses stay under 1/r seconds.
"""

from __future__ import annotations

import os

from locust import FastHttpUser, constant, constant_throughput, task

RATE = float(os.environ.get("BENCH_RATE", "0"))
PATH = os.environ.get("BENCH_PATH", "/v1/deployments")
BODY = os.environ.get("BENCH_BODY", "{}")
HEADERS = {
    "Authorization": f"Bearer {os.environ.get('BENCH_TOKEN', '')}",
    "Content-Type": "application/json",
}


class Writer(FastHttpUser):
    wait_time = constant_throughput(RATE) if RATE > 0 else constant(0)

    @task
    def write(self) -> None:
        with self.client.post(PATH, data=BODY, headers=HEADERS, catch_response=True) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}")
