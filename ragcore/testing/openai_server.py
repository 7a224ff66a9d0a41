"""A small OpenAI-compatible HTTP server for tests and benchmarks: a real peer on loopback.

It speaks `/v1/chat/completions` (JSON and SSE streaming) and `/v1/models`, and can be scripted
per request to misbehave the way real servers do: rate limits, 5xx, hangs, cut streams,
`finish_reason="length"`, malformed JSON, slow tokens. Every request it receives is recorded.

    with FakeOpenAIServer(token_latency=0.01) as server:
        server.fail_next(2, status=429)
        ... call server.base_url ...
        assert len(server.requests) == 3
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Literal

import yaml

BehaviourKind = Literal[
    "reply", "error", "hang", "cut", "length", "malformed", "echo", "nofinish", "stall"
]
DEFAULT_REPLY = "This is a reply from the test server."
# Chinese characters stream one by one; Latin text one word (with its trailing space) at a time.
_TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\s\u3400-\u9fff\uf900-\ufaff]+\s*|\s+")
_ERROR_TYPES = {429: "rate_limit_error", 401: "authentication_error", 400: "invalid_request_error"}


def split_tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


@dataclass(frozen=True)
class Behaviour:
    """What the server does with one request. Build with the class methods."""

    kind: BehaviourKind = "reply"
    text: str | None = None
    status: int = 200
    after_chunks: int = 0
    hang_s: float = 30.0

    @classmethod
    def reply(cls, text: str) -> Behaviour:
        return cls("reply", text=text)

    @classmethod
    def error(cls, status: int = 429) -> Behaviour:
        return cls("error", status=status)

    @classmethod
    def hang(cls, seconds: float = 30.0) -> Behaviour:
        return cls("hang", hang_s=seconds)

    @classmethod
    def cut(cls, after_chunks: int, text: str | None = None) -> Behaviour:
        return cls("cut", text=text, after_chunks=after_chunks)

    @classmethod
    def nofinish(cls, after_chunks: int, text: str | None = None) -> Behaviour:
        """Send `after_chunks` tokens, then end the response cleanly with no finish reason and
        no `[DONE]`: a proxy or server that closed early at a sentence end."""
        return cls("nofinish", text=text, after_chunks=after_chunks)

    @classmethod
    def stall(cls, after_chunks: int, seconds: float = 30.0, text: str | None = None) -> Behaviour:
        """Send `after_chunks` tokens, then fall silent for `seconds` and drop the connection."""
        return cls("stall", text=text, after_chunks=after_chunks, hang_s=seconds)

    @classmethod
    def length(cls, text: str | None = None) -> Behaviour:
        return cls("length", text=text)

    @classmethod
    def malformed(cls) -> Behaviour:
        return cls("malformed")

    @classmethod
    def echo(cls) -> Behaviour:
        return cls("echo")


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any] = field(default_factory=dict)

    @property
    def prompt(self) -> str:
        """All message contents joined, for assertions on what the client sent."""
        messages = self.body.get("messages") or []
        return "\n".join(str(m.get("content", "")) for m in messages if isinstance(m, dict))


class _Server(ThreadingHTTPServer):
    # The default listen backlog (5) drops the SYNs of a burst of concurrent clients; each
    # dropped one is retried by the kernel after 1 s, which made "10 concurrent streams" look
    # twice as slow as one.
    request_queue_size = 128


class FakeOpenAIServer:
    """The server; `start()`/`stop()` or use it as a context manager."""

    def __init__(
        self,
        *,
        models: tuple[str, ...] = ("test-model",),
        default_reply: str = DEFAULT_REPLY,
        token_latency: float = 0.0,
        echo: bool = False,
        require_key: str | None = None,
    ) -> None:
        self.models = models
        self.default_reply = default_reply
        self.token_latency = token_latency
        self.echo = echo
        self.require_key = require_key
        self.requests: list[RecordedRequest] = []
        self._script: deque[Behaviour] = deque()
        self._always: Behaviour | None = None
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle -------------------------------------------------------------------------
    def start(self) -> FakeOpenAIServer:
        handler = type("Handler", (_Handler,), {"owner": self})
        httpd = _Server(("127.0.0.1", 0), handler)
        httpd.daemon_threads = True
        httpd.block_on_close = False  # hanging handlers are woken by `_stopping`, never joined
        httpd.handle_error = _ignore_client_errors  # type: ignore[method-assign]
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-openai",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the test server is not running")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """What an OpenAI client wants as `api_base`/`base_url`."""
        return f"{self.url}/v1"

    def write_llm_config(
        self, path: Path, *, model: str = "test-model", num_retries: int = 0, timeout: float = 5
    ) -> Path:
        """Write an LLM config (LiteLLM proxy format) whose model `model` is served here, for
        `RAGCORE_LLM_CONFIG`. No retries by default, so a scripted failure shows at once."""
        entry = {
            "model_name": model,
            "litellm_params": {
                "model": f"openai/{model}",
                "api_base": self.base_url,
                "api_key": "none",
            },
        }
        settings = {"num_retries": num_retries, "timeout": timeout}
        path.write_text(
            yaml.safe_dump({"model_list": [entry], "router_settings": settings}), encoding="utf-8"
        )
        return path

    # ---- scripting -------------------------------------------------------------------------
    def script(self, *behaviours: Behaviour) -> None:
        """Queue behaviours for the next chat requests, in order; then back to normal replies."""
        with self._lock:
            self._script.extend(behaviours)

    def always(self, behaviour: Behaviour | None) -> None:
        """Behave like this for every chat request not scripted (None: normal replies again);
        for tests where another process makes the requests."""
        with self._lock:
            self._always = behaviour

    def reply_next(self, *texts: str) -> None:
        self.script(*(Behaviour.reply(t) for t in texts))

    def fail_next(self, n: int = 1, status: int = 429) -> None:
        self.script(*([Behaviour.error(status)] * n))

    def hang_next(self, n: int = 1, seconds: float = 30.0) -> None:
        self.script(*([Behaviour.hang(seconds)] * n))

    def cut_next(self, after_chunks: int, text: str | None = None) -> None:
        self.script(Behaviour.cut(after_chunks, text))

    def reset(self) -> None:
        with self._lock:
            self._script.clear()
            self.requests.clear()

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path.endswith("/chat/completions")]

    def _next_behaviour(self) -> Behaviour:
        with self._lock:
            if self._script:
                return self._script.popleft()
            if self._always is not None:
                return self._always
        return Behaviour.echo() if self.echo else Behaviour.reply(self.default_reply)

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)


class _Handler(BaseHTTPRequestHandler):
    owner: FakeOpenAIServer
    protocol_version = "HTTP/1.1"  # keep-alive like real servers; streams use chunked encoding
    timeout = 30  # idle keep-alive connections end on their own
    disable_nagle_algorithm = True  # small SSE writes must not wait for delayed ACKs (40 ms)

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read `requests`
        return

    # ---- routing ---------------------------------------------------------------------------
    def do_GET(self) -> None:
        self.owner._record(RecordedRequest("GET", self.path, dict(self.headers)))
        if not self._authorised():
            return
        if self.path.rstrip("/").endswith("/models"):
            data = [
                {"id": m, "object": "model", "owned_by": "ragcore-test"} for m in self.owner.models
            ]
            self._send_json(200, {"object": "list", "data": data})
        else:
            self._send_json(404, {"error": {"message": f"no route {self.path}"}})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            body = {}
        self.owner._record(RecordedRequest("POST", self.path, dict(self.headers), body))
        if not self._authorised():
            return
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._send_json(404, {"error": {"message": f"no route {self.path}"}})
            return
        self._chat(body, self.owner._next_behaviour())

    def _authorised(self) -> bool:
        key = self.owner.require_key
        if key is None or self.headers.get("Authorization") == f"Bearer {key}":
            return True
        self._send_error(401)
        return False

    # ---- chat ------------------------------------------------------------------------------
    def _chat(self, body: dict[str, Any], behaviour: Behaviour) -> None:
        if behaviour.kind == "error":
            self._send_error(behaviour.status)
        elif behaviour.kind == "hang":
            self.owner._stopping.wait(behaviour.hang_s)
            self.close_connection = True
        elif behaviour.kind == "malformed":
            self._send_malformed(bool(body.get("stream")))
        else:
            text = self._reply_text(body, behaviour)
            finish = "length" if behaviour.kind == "length" else "stop"
            cut = behaviour.after_chunks if behaviour.kind in ("cut", "nofinish", "stall") else None
            if body.get("stream"):
                self._stream(body, text, finish, cut, behaviour)
            else:
                self._complete(body, text, finish)

    def _reply_text(self, body: dict[str, Any], behaviour: Behaviour) -> str:
        if behaviour.kind == "echo":
            messages = body.get("messages") or []
            return str(messages[-1].get("content", "")) if messages else ""
        return behaviour.text if behaviour.text is not None else self.owner.default_reply

    def _usage(self, body: dict[str, Any], text: str) -> dict[str, int]:
        prompt = " ".join(str(m.get("content", "")) for m in body.get("messages") or [])
        prompt_tokens, completion_tokens = len(split_tokens(prompt)), len(split_tokens(text))
        return {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        }

    def _complete(self, body: dict[str, Any], text: str, finish: str) -> None:
        if self.owner.token_latency:
            time.sleep(self.owner.token_latency * len(split_tokens(text)))
        self._send_json(
            200,
            {
                "id": "chatcmpl-test",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model", "test-model"),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": text},
                        "finish_reason": finish,
                    }
                ],
                "usage": self._usage(body, text),
            },
        )

    def _stream(
        self,
        body: dict[str, Any],
        text: str,
        finish: str,
        cut: int | None,
        behaviour: Behaviour | None = None,
    ) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        model = body.get("model", "test-model")
        self._event(_chunk(model, {"role": "assistant", "content": ""}, None))
        for index, token in enumerate(split_tokens(text)):
            if cut is not None and index >= cut:
                kind = behaviour.kind if behaviour is not None else "cut"
                if kind == "nofinish":
                    self._write_chunk(b"")  # a clean end of the body, without finish or [DONE]
                    return
                if kind == "stall":
                    self.owner._stopping.wait(behaviour.hang_s if behaviour else 30.0)
                self._abort()  # no final chunk, no [DONE]: the client sees a broken stream
                return
            if self.owner.token_latency:
                time.sleep(self.owner.token_latency)
            self._event(_chunk(model, {"content": token}, None))
        self._event(_chunk(model, {}, finish))
        if (body.get("stream_options") or {}).get("include_usage"):
            usage_chunk = _chunk(model, {}, None)
            usage_chunk["choices"] = []
            usage_chunk["usage"] = self._usage(body, text)
            self._event(usage_chunk)
        self._write_chunk(b"data: [DONE]\n\n")
        self._write_chunk(b"")

    def _send_malformed(self, stream: bool) -> None:
        if stream:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self._write_chunk(b'data: {"id": "chatcmpl-test", "choices": [{"delta": \n\n')
            self._write_chunk(b"data: [DONE]\n\n")
            self._write_chunk(b"")
        else:
            self._send_raw(200, b'{"id": "chatcmpl-test", "choices": [', "application/json")

    # ---- wire helpers ----------------------------------------------------------------------
    def _event(self, payload: dict[str, Any]) -> None:
        self._write_chunk(f"data: {json.dumps(payload, ensure_ascii=False)}\n\n".encode())

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _abort(self) -> None:
        self.wfile.flush()
        self.close_connection = True

    def _send_error(self, status: int) -> None:
        kind = _ERROR_TYPES.get(status, "server_error")
        message = {429: "Too many requests", 401: "Invalid API key"}.get(status, "Server error")
        self._send_json(status, {"error": {"message": message, "type": kind, "code": status}})

    def _send_json(self, status: int, payload: dict[str, Any]) -> None:
        self._send_raw(status, json.dumps(payload, ensure_ascii=False).encode(), "application/json")

    def _send_raw(self, status: int, data: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()


def _ignore_client_errors(request: object, client_address: object) -> None:
    """Clients hang up mid-request on purpose in tests (timeouts, cut streams): not news."""


def _chunk(model: str, delta: dict[str, str], finish: str | None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
