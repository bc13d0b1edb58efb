#!/usr/bin/env python3
"""A deterministic stand-in for an OpenAI-compatible LLM, for the end-to-end suite.

Serves on 127.0.0.1 only (stdlib, no dependencies):
  GET  /v1/models            two model ids
  POST /v1/embeddings        hash-derived vectors of the requested size
  POST /v1/chat/completions  "Echo: <last user text>", as JSON or as SSE chunks; when the
                             request offers a `send_message` tool (Letta's memgpt-style agents),
                             the answer is a call of that tool carrying the same text.
Usage: fake_llm.py PORT
"""
import hashlib
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODEL_IDS = ("gpt-4o-mini", "fake-model")


def user_text(messages):
    for message in reversed(messages or []):
        if message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, list):
            content = " ".join(part.get("text", "") for part in content if isinstance(part, dict))
        return (content or "")[-200:]
    return ""


def vector(text, size):
    values, counter = [], 0
    while len(values) < size:
        digest = hashlib.sha256(f"{counter}|{text}".encode()).digest()
        values.extend(byte / 255.0 - 0.5 for byte in digest)
        counter += 1
    return values[:size]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_json(self, status, payload):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path.rstrip("/").endswith("/models"):
            models = [{"id": m, "object": "model", "created": 0, "owned_by": "e2e"} for m in MODEL_IDS]
            return self.send_json(200, {"object": "list", "data": models})
        self.send_json(404, {"error": {"message": "unknown path", "type": "invalid_request_error"}})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        request = json.loads(self.rfile.read(length) or b"{}")
        if self.path.endswith("/embeddings"):
            inputs = request.get("input")
            inputs = [inputs] if isinstance(inputs, str) else (inputs or [])
            size = int(request.get("dimensions") or 1536)
            data = [{"object": "embedding", "index": i, "embedding": vector(str(t), size)} for i, t in enumerate(inputs)]
            usage = {"prompt_tokens": len(inputs), "total_tokens": len(inputs)}
            return self.send_json(200, {"object": "list", "model": request.get("model"), "data": data, "usage": usage})
        if self.path.endswith("/chat/completions"):
            return self.chat(request)
        self.send_json(404, {"error": {"message": "unknown path", "type": "invalid_request_error"}})

    def chat(self, request):
        text = "Echo: " + user_text(request.get("messages"))
        tool_names = [t.get("function", {}).get("name") for t in request.get("tools") or []]
        as_tool = "send_message" in tool_names
        arguments = json.dumps({"message": text})
        base = {"id": "chatcmpl-e2e", "created": int(time.time()), "model": request.get("model", "fake-model")}
        usage = {"prompt_tokens": 100, "completion_tokens": 10, "total_tokens": 110}
        call = {"id": "call_e2e", "type": "function", "function": {"name": "send_message", "arguments": arguments}}
        if not request.get("stream"):
            message = {"role": "assistant", "content": None if as_tool else text}
            if as_tool:
                message["tool_calls"] = [call]
            choice = {"index": 0, "message": message, "finish_reason": "tool_calls" if as_tool else "stop"}
            return self.send_json(200, dict(base, object="chat.completion", choices=[choice], usage=usage))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()

        def frame(delta=None, finish=None, final_usage=None):
            chunk = dict(base, object="chat.completion.chunk")
            chunk["choices"] = [] if final_usage else [{"index": 0, "delta": delta or {}, "finish_reason": finish}]
            if final_usage:
                chunk["usage"] = final_usage
            self.wfile.write(b"data: " + json.dumps(chunk).encode() + b"\n\n")
            self.wfile.flush()

        if as_tool:
            frame({"role": "assistant", "content": None})
            frame({"tool_calls": [{"index": 0, "id": call["id"], "type": "function",
                                   "function": {"name": "send_message", "arguments": ""}}]})
            for start in range(0, len(arguments), 16):
                frame({"tool_calls": [{"index": 0, "function": {"arguments": arguments[start:start + 16]}}]})
            frame(finish="tool_calls")
        else:
            frame({"role": "assistant", "content": ""})
            for word in text.split(" "):
                frame({"content": word + " "})
            frame(finish="stop")
        if (request.get("stream_options") or {}).get("include_usage"):
            frame(final_usage=usage)
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()
        self.close_connection = True


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
