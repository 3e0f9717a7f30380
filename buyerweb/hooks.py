"""The payment hooks of the buyer web: `POST /hooks/sms` (an SMS forwarder on the organiser's
phone) and `POST /hooks/razorpay` (Razorpay webhooks).

The routes only hand the raw request to `shared.intake`, which checks the signature, applies the
rate limits (signed deliveries, and refusals per sending IP), stores the message in the inbox and
records the payment. A hook exists only while its secret is set from the console (404 otherwise),
and it is no admin function: all it can do is add a payment. They read the body with the web's
reader (their own 16 KiB limit) and carry no CSRF token; every answer is JSON, and failures go
through the web's one error handling (a sentence, never a stack trace).
"""

from bottle import request

from shared import intake

from .context import WebContext
from .http import Route, client_ip, error_json, json_body, read_body


def hook(ctx: WebContext, source: str):
    if not intake.hook_secret(source):
        return error_json(404, intake.NOT_FOUND)
    body = read_body(ctx)
    result = intake.receive(source, request.headers, body, remote=client_ip())
    return json_body(result.body, result.status, dict(result.headers))


def sms_hook(ctx: WebContext):
    return hook(ctx, "sms")


def razorpay_hook(ctx: WebContext):
    return hook(ctx, "razorpay")


ROUTES = (
    Route("hook_sms", "POST", intake.PATHS["sms"], sms_hook),
    Route("hook_razorpay", "POST", intake.PATHS["razorpay"], razorpay_hook),
)
