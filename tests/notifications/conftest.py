"""Fixtures for notifications: a test kind's templates, a fake SMS gateway, people."""

import json
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

import pytest
import time_machine

from notifications import tasks
from notifications.models import Delivery
from notifications.sms import aliyun_signature
from residents.models import Role
from tests.factories import MembershipFactory, ResidentFactory, UserFactory

TEMPLATES_DIR = Path(__file__).parent / "templates"
KEY_ID = "test-key-id"
KEY_SECRET = "test-key-secret"


@pytest.fixture(autouse=True)
def test_kind_templates(settings):
    """Make the kind "test_event" (templates under tests/notifications/templates)."""
    engines = [dict(engine) for engine in settings.TEMPLATES]
    engines[0]["DIRS"] = [*engines[0]["DIRS"], TEMPLATES_DIR]
    settings.TEMPLATES = engines


DAYTIME = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def daytime(request, settings):
    """Run at 10:00 Shanghai time, outside quiet hours (tick on).

    Tests with a real worker (marked redis) keep the real clock and switch quiet
    hours off instead, as the worker's ETAs follow the real clock.
    """
    if request.node.get_closest_marker("redis"):
        settings.NOTIFICATIONS_QUIET_HOURS = (0, 0)
        yield None
        return
    with time_machine.travel(DAYTIME, tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def sweep_ignores_backlog(settings):
    """Other tests leave messages in the shared broker: the sweep must not mind."""
    settings.NOTIFICATIONS_SWEEP_MAX_BACKLOG = 10**9


def run_due_deliveries() -> int:
    """Do what a worker would do with the queued tasks: run every due delivery."""
    ids = list(Delivery.objects.due().values_list("pk", flat=True))
    for pk in ids:
        tasks.deliver(pk)
    return len(ids)


class FakeGateway:
    """An Aliyun-shaped SMS gateway on 127.0.0.1: checks signatures, answers a script.

    `script` is a list of answers used in turn (the last one repeats): an int is an
    HTTP status with an empty body, a str is an Aliyun answer Code with HTTP 200,
    ("sleep", seconds) waits before answering OK.
    """

    def __init__(self):
        self.requests: list[dict] = []
        self.script: list = ["OK"]
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                params = dict(parse_qsl(self.rfile.read(length).decode()))
                with gateway.lock:
                    index = len(gateway.requests)
                    gateway.requests.append(params)
                    answer = gateway.script[min(index, len(gateway.script) - 1)]
                signature = params.pop("Signature", "")
                if signature != aliyun_signature(params, KEY_SECRET, "POST"):
                    return self._json(400, {"Code": "SignatureDoesNotMatch"})
                if isinstance(answer, int):
                    self.send_response(answer)
                    self.end_headers()
                    return
                if isinstance(answer, tuple):
                    import time

                    time.sleep(answer[1])
                    answer = "OK"
                body = {"Code": answer, "Message": answer, "RequestId": f"req-{index}"}
                if answer == "OK":
                    body["BizId"] = f"biz-{index}"
                return self._json(200, body)

            def _json(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def sent(self) -> list[dict]:
        return [r for i, r in enumerate(self.requests) if self._answer(i) == "OK"]

    def _answer(self, index):
        answer = self.script[min(index, len(self.script) - 1)]
        return "OK" if isinstance(answer, tuple) else answer


@pytest.fixture
def gateway(settings):
    """A local fake gateway, with the Aliyun backend pointed at it."""
    fake = FakeGateway()
    fake.thread.start()
    settings.SMS_BACKEND = "notifications.sms.AliyunSmsBackend"
    settings.SMS_ALIYUN_ENDPOINT = fake.url
    settings.SMS_ALIYUN_ACCESS_KEY_ID = KEY_ID
    settings.SMS_ALIYUN_ACCESS_KEY_SECRET = KEY_SECRET
    settings.SMS_SIGN_NAME = "汀塘社区"
    settings.SMS_TEMPLATES = {"default": "SMS_100", "digest": "SMS_101"}
    settings.SMS_TIMEOUT = 2
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


@pytest.fixture
def offline_resident(community):
    """An elderly resident without a login, reachable by text message only."""
    return ResidentFactory(
        community=community, user=None, name="林阿公", mobile="13800001111"
    )


@pytest.fixture
def english_user(community):
    user = UserFactory(language="en", display_name="Mr Lin")
    MembershipFactory(user=user, community=community, role=Role.RESIDENT)
    return user
