#!/usr/bin/env python3
"""Classify one image with the imgcls api, using nothing but the Python standard library.

    python3 tools/client.py photo.jpg [--url http://127.0.0.1:5000] [--json]

Posts the file as the multipart field `file` to /run_inference and prints its class id and
name (`n01440764 tench`), or with --json the api's whole answer. An error answer is printed as
`error: CODE: message` on stderr and exits 1. If the api hands back a job instead of a result
(202: the job outlived the api's SYNC_TIMEOUT_MS), it says so on stderr and polls the job
until it ends or --timeout passes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any, NoReturn

DEFAULT_URL = "http://127.0.0.1:5000"
REQUEST_TIMEOUT_S = 60
WAIT_TIMEOUT_S = 120


class ApiError(Exception):
    """An error answer (or no answer) from the api, with its stable code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


# The formats the api accepts, by extension; libs/client's tests keep this equal to the api's list.
IMAGE_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "gif": "image/gif",
    "bmp": "image/bmp",
}


def multipart_file(path: str, data: bytes) -> tuple[bytes, str]:
    """The body and Content-Type of a multipart/form-data upload with one field, `file`."""
    boundary = uuid.uuid4().hex
    # Browsers percent-encode these in a file name: a raw quote or line break ends the header.
    filename = os.path.basename(path)
    for char, escaped in (('"', "%22"), ("\r", "%0D"), ("\n", "%0A")):
        filename = filename.replace(char, escaped)
    extension = os.path.splitext(path)[1][1:].lower()
    media_type = IMAGE_TYPES.get(extension, "application/octet-stream")
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: {media_type}\r\n\r\n"
    ).encode("utf-8")
    tail = f"\r\n--{boundary}--\r\n".encode("ascii")
    return head + data + tail, f"multipart/form-data; boundary={boundary}"


def request_json(request: urllib.request.Request) -> tuple[int, Any]:
    """Sends a request: (status, parsed body) of a 2xx answer, else raises ApiError."""
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_S) as response:
            return response.status, parse_json(response.status, response.read())
    except urllib.error.HTTPError as answer:
        body = parse_json(answer.code, answer.read())
        error = body.get("error") if isinstance(body, dict) else None
        if isinstance(error, dict) and isinstance(error.get("code"), str):
            raise ApiError(error["code"], str(error.get("message", ""))) from None
        message = f"the api answered {answer.code} without an error body"
        raise ApiError("BAD_RESPONSE", message) from None
    except urllib.error.URLError as failure:
        message = f"cannot reach {request.full_url}: {failure.reason}"
        raise ApiError("NETWORK_ERROR", message) from None
    except TimeoutError:
        message = f"no answer from {request.full_url} within {REQUEST_TIMEOUT_S} s"
        raise ApiError("TIMEOUT", message) from None


def parse_json(status: int, raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        raise ApiError("BAD_RESPONSE", f"the api answered {status} with a non-JSON body") from None


def headers(api_key: str | None) -> dict[str, str]:
    return {"Accept": "application/json", **({"x-api-key": api_key} if api_key else {})}


def classify(
    url: str, path: str, data: bytes, api_key: str | None, timeout_s: float = WAIT_TIMEOUT_S
) -> dict[str, Any]:
    body, content_type = multipart_file(path, data)
    request = urllib.request.Request(
        f"{url}/run_inference",
        data=body,
        method="POST",
        headers={**headers(api_key), "Content-Type": content_type},
    )
    status, answer = request_json(request)
    if status == 202 and isinstance(answer, dict) and isinstance(answer.get("job_id"), str):
        job_id = answer["job_id"]
        print(f"queued as job {job_id}; waiting up to {timeout_s:g} s (--timeout)", file=sys.stderr)
        return wait_for_job(url, job_id, api_key, timeout_s)
    if status != 200 or not isinstance(answer, dict) or "class_id" not in answer:
        raise ApiError("BAD_RESPONSE", f"the api answered {status} without a classification")
    return answer


def wait_for_job(
    url: str, job_id: str, api_key: str | None, timeout_s: float = WAIT_TIMEOUT_S
) -> dict[str, Any]:
    """Polls GET /jobs/{id} with doubling delays until the job ends or the time runs out."""
    job_url = f"{url}/jobs/{urllib.parse.quote(job_id, safe='')}"
    deadline = time.monotonic() + timeout_s
    delay_s = 0.1
    while True:
        _, state = request_json(urllib.request.Request(job_url, headers=headers(api_key)))
        status = state.get("status") if isinstance(state, dict) else None
        if status == "succeeded" and isinstance(state.get("result"), dict):
            return state["result"]
        if status == "failed":
            error = state.get("error") or {}
            code, message = error.get("code", "INTERNAL"), error.get("message", "the job failed")
            raise ApiError(str(code), str(message))
        if status not in ("queued", "running"):
            raise ApiError("BAD_RESPONSE", f"job {job_id}: unexpected state {state!r}")
        if time.monotonic() + delay_s > deadline:
            message = f"job {job_id} did not finish within {timeout_s:g} s; it may still run: GET {job_url}"
            raise ApiError("TIMEOUT", message)
        time.sleep(delay_s)
        delay_s = min(delay_s * 2, 2.0)


def fail(message: str) -> NoReturn:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Classify one image with the imgcls api.")
    parser.add_argument("image", help="the image file (JPEG, PNG, WebP or GIF)")
    parser.add_argument(
        "--url",
        default=os.environ.get("IMGCLS_URL", DEFAULT_URL),
        help=f"api base URL (default: $IMGCLS_URL, else {DEFAULT_URL})",
    )
    parser.add_argument(
        "--api-key",
        default=os.environ.get("IMGCLS_API_KEY"),
        help="sent as x-api-key (default: $IMGCLS_API_KEY)",
    )
    parser.add_argument("--json", action="store_true", help="print the api's whole JSON answer")
    parser.add_argument(
        "--timeout",
        type=float,
        default=WAIT_TIMEOUT_S,
        help=f"give up waiting for a queued job after this many seconds (default {WAIT_TIMEOUT_S})",
    )
    args = parser.parse_args(argv)

    try:
        with open(args.image, "rb") as file:
            data = file.read()
    except OSError as failure:
        fail(f"cannot read {args.image}: {failure.strerror}")
    try:
        result = classify(args.url.rstrip("/"), args.image, data, args.api_key, args.timeout)
    except ApiError as error:
        fail(f"{error.code}: {error.message}")
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{result['class_id']} {result['class_name']}")


if __name__ == "__main__":
    main()
