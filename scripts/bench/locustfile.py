# The Locust peers of the NoWait taskset: GET / with no wait. Pick one on the command line:
# `locust -f locustfile.py Fast` (FastHttpUser, geventhttpclient) or `... Slow` (HttpUser).
from locust import FastHttpUser, HttpUser, constant, task


class Fast(FastHttpUser):
    wait_time = constant(0)

    @task
    def get(self):
        self.client.get("/")


class Slow(HttpUser):
    wait_time = constant(0)

    @task
    def get(self):
        self.client.get("/")
