"""The harness's closed loop (locust, headless): POSTs of one body to one path.

Configured by the environment the harness sets: BENCH_PATH, BENCH_TOKEN and BENCH_BODY (JSON).
Each user sends its next request as soon as the last is answered. The harness's open loop is
not locust's: it is bench/loadgen.py (Poisson arrivals, raw HTTP/1.1, its own CPU reported).
"""

from __future__ import annotations

import os

from locust import FastHttpUser, constant, task

PATH = os.environ.get("BENCH_PATH", "/v1/deployments")
BODY = os.environ.get("BENCH_BODY", "{}")
HEADERS = {
    "Authorization": f"Bearer {os.environ.get('BENCH_TOKEN', '')}",
    "Content-Type": "application/json",
}


class Writer(FastHttpUser):
    wait_time = constant(0)

    @task
    def write(self) -> None:
        with self.client.post(PATH, data=BODY, headers=HEADERS, catch_response=True) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}")
