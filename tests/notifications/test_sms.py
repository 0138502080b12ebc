"""SMS backends: the Aliyun request shape and how its answers are classified."""

import json
import socket

import pytest

from notifications.sms import (
    AliyunSmsBackend,
    LoggingSmsBackend,
    SmsMessage,
    SmsPermanentError,
    SmsTemporaryError,
    aliyun_signature,
    get_backend,
    template_code_for,
)

MESSAGE = SmsMessage(
    mobile="13800001111",
    text="议事会明天开会",
    template_code="SMS_100",
    params={"subject": "议事会明天开会"},
    reference="d42",
)


def test_signature_matches_the_providers_documented_example():
    # The worked example of Aliyun's RPC signature documentation (GET request).
    params = {
        "AccessKeyId": "testId",
        "Action": "SendSms",
        "Format": "XML",
        "OutId": "123",
        "PhoneNumbers": "15300000001",
        "RegionId": "cn-hangzhou",
        "SignName": "阿里云短信测试专用",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
        "SignatureVersion": "1.0",
        "TemplateCode": "SMS_71390007",
        "TemplateParam": '{"customer":"test"}',
        "Timestamp": "2017-07-12T02:42:19Z",
        "Version": "2017-05-25",
    }
    assert (
        aliyun_signature(params, "testSecret", "GET") == "zJDF+Lrzhj/ThnlvIToysFRq6t4="
    )


def test_backend_is_chosen_by_settings(settings, gateway):
    assert isinstance(get_backend(), AliyunSmsBackend)
    settings.SMS_BACKEND = "notifications.sms.LoggingSmsBackend"
    assert isinstance(get_backend(), LoggingSmsBackend)


def test_template_code_per_kind_with_default(gateway):
    assert template_code_for("digest") == "SMS_101"
    assert template_code_for("meeting_reminder") == "SMS_100"


def test_aliyun_sends_template_and_json_params(gateway):
    message_id = AliyunSmsBackend().send(MESSAGE)

    assert message_id == "biz-0"
    (request,) = gateway.requests
    assert request["Action"] == "SendSms"
    assert request["Version"] == "2017-05-25"
    assert request["TemplateCode"] == "SMS_100"
    assert json.loads(request["TemplateParam"]) == {"subject": "议事会明天开会"}
    assert request["SignName"] == "汀塘社区"
    assert request["AccessKeyId"] == "test-key-id"
    assert request["OutId"] == "d42"


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (500, SmsTemporaryError),
        (503, SmsTemporaryError),
        (429, SmsTemporaryError),
        ("isp.SYSTEM_ERROR", SmsTemporaryError),
        ("isv.BUSINESS_LIMIT_CONTROL", SmsTemporaryError),
        ("Throttling.User", SmsTemporaryError),
        ("isv.MOBILE_NUMBER_ILLEGAL", SmsPermanentError),
        ("isv.TEMPLATE_MISSING_PARAMETERS", SmsPermanentError),
        ("isv.SMS_SIGNATURE_ILLEGAL", SmsPermanentError),
        ("InvalidAccessKeyId.NotFound", SmsPermanentError),
    ],
)
def test_answers_are_classified_transient_or_permanent(gateway, answer, error):
    gateway.script = [answer]
    with pytest.raises(error):
        AliyunSmsBackend().send(MESSAGE)


def test_wrong_secret_is_permanent(gateway, settings):
    settings.SMS_ALIYUN_ACCESS_KEY_SECRET = "not-the-secret"
    with pytest.raises(SmsPermanentError, match="SignatureDoesNotMatch"):
        AliyunSmsBackend().send(MESSAGE)


def test_timeout_is_transient(gateway, settings):
    settings.SMS_TIMEOUT = 0.3
    gateway.script = [("sleep", 1.0)]
    with pytest.raises(SmsTemporaryError, match="Timeout"):
        AliyunSmsBackend().send(MESSAGE)


def test_refused_connection_is_transient(gateway, settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        free_port = sock.getsockname()[1]
    settings.SMS_ALIYUN_ENDPOINT = f"http://127.0.0.1:{free_port}/"
    with pytest.raises(SmsTemporaryError, match="ConnectionError"):
        AliyunSmsBackend().send(MESSAGE)


def test_message_without_template_is_permanent(gateway):
    with pytest.raises(SmsPermanentError):
        AliyunSmsBackend().send(SmsMessage(mobile="13800001111", text="x"))
    assert gateway.requests == []


@pytest.mark.django_db
def test_logging_backend_keeps_what_it_would_send():
    from notifications.models import LoggedSms

    message_id = LoggingSmsBackend().send(MESSAGE)
    entry = LoggedSms.objects.get()
    assert message_id == f"log-{entry.pk}"
    assert (entry.mobile, entry.text, entry.reference) == (
        "13800001111",
        "议事会明天开会",
        "d42",
    )
