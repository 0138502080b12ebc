"""Text-message backends, chosen by settings.SMS_BACKEND.

Every backend takes one message (mobile, template code, parameters, plain text and a
reference that identifies the delivery) and either returns the provider's message id
or raises:

- `SmsTemporaryError`: worth trying again later (network, timeouts, the provider's
  5xx answers, flow control, a provider-side system error);
- `SmsPermanentError`: trying again cannot help (bad number, bad template or
  signature, rejected credentials).
"""

import base64
import hashlib
import hmac
import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import quote

import requests
from django.conf import settings
from django.utils.module_loading import import_string

from residents.texting import TextNotSent

logger = logging.getLogger("notifications.sms")


class SmsError(Exception):
    """A text message was not accepted."""

    def __init__(self, message: str, *, code: str = ""):
        super().__init__(message)
        self.code = code


class SmsTemporaryError(SmsError):
    """Try again later."""


class SmsPermanentError(SmsError):
    """Trying again cannot help."""


@dataclass(frozen=True)
class SmsMessage:
    mobile: str
    text: str
    template_code: str = ""
    params: dict = field(default_factory=dict)
    reference: str = ""


class BaseSmsBackend:
    def send(self, message: SmsMessage) -> str:
        """Send one message; return the provider's message id."""
        raise NotImplementedError


class LoggingSmsBackend(BaseSmsBackend):
    """Log the message and keep it in the LoggedSms table instead of sending it.

    The row is written in the caller's transaction, so a message counts as sent
    exactly when its delivery is marked sent.
    """

    def send(self, message: SmsMessage) -> str:
        from .models import LoggedSms

        logger.info(
            "SMS to %s [%s] %s", message.mobile, message.template_code, message.text
        )
        entry = LoggedSms.objects.create(
            mobile=message.mobile,
            template_code=message.template_code,
            params=message.params,
            text=message.text,
            reference=message.reference,
        )
        return f"log-{entry.pk}"


def percent_encode(value: str) -> str:
    """Percent-encode as Aliyun's RPC signature wants (RFC 3986, space as %20)."""
    return quote(str(value), safe="~")


def aliyun_signature(params: dict, secret: str, method: str = "POST") -> str:
    """Return the HMAC-SHA1 signature of an Aliyun RPC request (SignatureVersion 1.0)."""
    canonical = "&".join(
        f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items())
    )
    string_to_sign = f"{method}&{percent_encode('/')}&{percent_encode(canonical)}"
    digest = hmac.new(
        f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1
    ).digest()
    return base64.b64encode(digest).decode()


# Aliyun SendSms answer codes that are worth another try; every other non-OK code
# is permanent (wrong number, template, signature, credentials ...).
ALIYUN_TEMPORARY_CODES = frozenset(
    {
        "isp.SYSTEM_ERROR",
        "isp.RAM_PERMISSION_DENY",
        "isv.BUSINESS_LIMIT_CONTROL",
        "isv.OUT_OF_SERVICE",
        "isv.AMOUNT_NOT_ENOUGH",
        "Throttling.User",
        "Throttling",
        "ServiceUnavailable",
        "InternalError",
    }
)


class AliyunSmsBackend(BaseSmsBackend):
    """Aliyun (Dysmsapi 2017-05-25) SendSms over HTTPS, signed RPC style.

    Settings: SMS_ALIYUN_ENDPOINT, SMS_ALIYUN_ACCESS_KEY_ID,
    SMS_ALIYUN_ACCESS_KEY_SECRET, SMS_SIGN_NAME, SMS_TEMPLATES (kind -> template
    code, with "default"), SMS_TIMEOUT. The delivery reference goes in OutId, so
    the provider's receipts can be matched to deliveries.
    """

    def __init__(
        self, *, endpoint=None, access_key_id=None, secret=None, sign_name=None
    ):
        self.endpoint = endpoint or settings.SMS_ALIYUN_ENDPOINT
        self.access_key_id = access_key_id or settings.SMS_ALIYUN_ACCESS_KEY_ID
        self.secret = secret or settings.SMS_ALIYUN_ACCESS_KEY_SECRET
        self.sign_name = sign_name or settings.SMS_SIGN_NAME
        self.timeout = settings.SMS_TIMEOUT

    def request_params(self, message: SmsMessage) -> dict:
        params = {
            "AccessKeyId": self.access_key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": message.mobile,
            "RegionId": "cn-hangzhou",
            "SignName": self.sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "TemplateCode": message.template_code,
            "TemplateParam": json.dumps(message.params, ensure_ascii=False),
            "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
        }
        if message.reference:
            params["OutId"] = message.reference
        params["Signature"] = aliyun_signature(params, self.secret, "POST")
        return params

    def send(self, message: SmsMessage) -> str:
        if not message.template_code:
            raise SmsPermanentError("no SMS template configured for this message")
        try:
            response = requests.post(
                self.endpoint, data=self.request_params(message), timeout=self.timeout
            )
        except requests.RequestException as exc:
            raise SmsTemporaryError(f"{exc.__class__.__name__}: {exc}") from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise SmsTemporaryError(
                f"HTTP {response.status_code}: {response.text[:200]}",
                code=str(response.status_code),
            )
        try:
            answer = response.json()
        except ValueError as exc:
            error = SmsTemporaryError if response.ok else SmsPermanentError
            raise error(
                f"HTTP {response.status_code}, not JSON: {response.text[:200]}"
            ) from exc
        code = str(answer.get("Code", ""))
        if code == "OK":
            return str(answer.get("BizId", ""))
        text = f"{code}: {answer.get('Message', '')}"[:500]
        if code in ALIYUN_TEMPORARY_CODES:
            raise SmsTemporaryError(text, code=code)
        raise SmsPermanentError(text, code=code)


def get_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()


def template_code_for(kind: str) -> str:
    templates = settings.SMS_TEMPLATES
    return templates.get(kind) or templates.get("default", "")


def send_code_text(*, mobile: str, kind: str, text: str, params: dict, reference: str):
    """Send a code for residents (registered in residents.texting) right away.

    Residents' codes skip the inbox, digests and quiet hours: the person waits for it.
    """
    message = SmsMessage(
        mobile=mobile,
        text=text,
        template_code=template_code_for(kind),
        params=params,
        reference=reference,
    )
    try:
        return get_backend().send(message)
    except SmsError as exc:
        logger.warning("code text %s not sent: %s", reference, exc)
        raise TextNotSent(str(exc)) from exc
    except Exception as exc:  # noqa: BLE001 - the person hears "not sent", not a 500
        logger.exception("code text %s: unexpected error", reference)
        raise TextNotSent(f"{exc.__class__.__name__}: {exc}") from exc
