#!/usr/bin/env python3
"""A FAKE model server for tests: it speaks the wire format of OpenAI's chat completions API
(`POST …/chat/completions`, streamed as Server-Sent Events of `chat.completion.chunk` objects
ending with `data: [DONE]`, usage in a last chunk with empty `choices` when
`stream_options.include_usage` is set) or of Ollama's `POST /api/chat` (streamed as one JSON
object a line, tool calls whole with `arguments` an object, counts in the `"done": true` line).
It runs no model: it answers each request with the next turn of a script.

    fake-model-server.py --dialect openai|ollama --script turns.json --record requests.jsonl \
        --port-file port [--api-key KEY]

The script: {"turns": [TURN, …], "repeat_last": false}. A TURN is
    {"text": "…", "tool_calls": [{"name": "read_file", "arguments": {…}}],
     "usage": {"input": 10, "output": 5, "cached": 2}, "status": 200}
With repeat_last the last turn answers every request past the list (a model that never ends);
without it, a request past the list is answered 500.
Every request is appended to the record file as {"path", "headers", "body"} before the answer.
With --api-key, a request without `Authorization: Bearer KEY` gets 401 (OpenAI's error shape).
"""
import argparse
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
state = {"served": 0}


def split_text(text, parts=3):
    """The text in a few pieces, as a model streams it."""
    if not text:
        return []
    size = max(1, len(text) // parts)
    return [text[i:i + size] for i in range(0, len(text), size)]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_json(self, status, obj):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def start_stream(self, content_type):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()

    def chunk(self, text):
        data = text.encode()
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def end_stream(self):
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        record = {"path": self.path, "headers": {k: v for k, v in self.headers.items()}, "body": body}
        with lock:
            with open(options.record, "a") as out:
                out.write(json.dumps(record) + "\n")
            index = state["served"]
            state["served"] += 1
        if options.api_key is not None and self.headers.get("Authorization") != "Bearer " + options.api_key:
            return self.send_json(401, {"error": {"message": "Incorrect API key provided.", "type": "invalid_request_error", "code": "invalid_api_key"}})
        wanted = "/api/chat" if options.dialect == "ollama" else "/chat/completions"
        if not self.path.endswith(wanted):
            return self.send_json(404, {"error": {"message": "no route " + self.path, "type": "invalid_request_error"}})
        if body is None or not isinstance(body.get("messages"), list) or not body.get("model"):
            return self.send_json(400, {"error": {"message": "model and messages are required", "type": "invalid_request_error"}})
        turns = script["turns"]
        if index >= len(turns) and not script.get("repeat_last"):
            return self.send_json(500, {"error": {"message": "the fake's script has no turn %d" % (index + 1), "type": "server_error"}})
        turn = turns[min(index, len(turns) - 1)]
        if turn.get("status", 200) != 200:
            return self.send_json(turn["status"], {"error": {"message": turn.get("text", "scripted failure"), "type": "server_error"}})
        if options.dialect == "openai":
            self.openai(body, turn, index)
        else:
            self.ollama(body, turn)

    def openai(self, body, turn, index):
        ident = "chatcmpl-fake%d" % index
        model = body["model"]
        created = int(time.time())

        def chunk(choices, usage=None):
            obj = {"id": ident, "object": "chat.completion.chunk", "created": created, "model": model,
                   "system_fingerprint": "fp_fake", "choices": choices}
            if usage is not None:
                obj["usage"] = usage
            self.chunk("data: " + json.dumps(obj) + "\n\n")

        self.start_stream("text/event-stream")
        chunk([{"index": 0, "delta": {"role": "assistant", "content": ""}, "logprobs": None, "finish_reason": None}])
        for piece in split_text(turn.get("text", "")):
            chunk([{"index": 0, "delta": {"content": piece}, "logprobs": None, "finish_reason": None}])
        calls = turn.get("tool_calls", [])
        for n, call in enumerate(calls):
            arguments = json.dumps(call.get("arguments", {}))
            half = len(arguments) // 2
            # The id, type and name come first with the arguments' first half; the rest follows.
            chunk([{"index": 0, "delta": {"tool_calls": [{"index": n, "id": "call_fake%d_%d" % (index, n), "type": "function",
                                                           "function": {"name": call["name"], "arguments": arguments[:half]}}]},
                    "logprobs": None, "finish_reason": None}])
            chunk([{"index": 0, "delta": {"tool_calls": [{"index": n, "function": {"arguments": arguments[half:]}}]},
                    "logprobs": None, "finish_reason": None}])
        chunk([{"index": 0, "delta": {}, "logprobs": None, "finish_reason": "tool_calls" if calls else "stop"}])
        if (body.get("stream_options") or {}).get("include_usage"):
            usage = turn.get("usage", {})
            prompt, completion = usage.get("input", 0), usage.get("output", 0)
            chunk([], {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion,
                       "prompt_tokens_details": {"cached_tokens": usage.get("cached", 0)},
                       "completion_tokens_details": {"reasoning_tokens": 0}})
        self.chunk("data: [DONE]\n\n")
        self.end_stream()

    def ollama(self, body, turn):
        model = body["model"]

        def line(obj):
            self.chunk(json.dumps(obj) + "\n")

        def stamp():
            return time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())

        self.start_stream("application/x-ndjson")
        for piece in split_text(turn.get("text", "")):
            line({"model": model, "created_at": stamp(), "message": {"role": "assistant", "content": piece}, "done": False})
        calls = turn.get("tool_calls", [])
        if calls:
            line({"model": model, "created_at": stamp(), "message": {"role": "assistant", "content": "", "tool_calls": [
                {"function": {"name": call["name"], "arguments": call.get("arguments", {})}} for call in calls]}, "done": False})
        usage = turn.get("usage", {})
        line({"model": model, "created_at": stamp(), "message": {"role": "assistant", "content": ""}, "done": True,
              "done_reason": "stop", "total_duration": 1000000, "load_duration": 1000, "prompt_eval_count": usage.get("input", 0),
              "prompt_eval_duration": 1000, "eval_count": usage.get("output", 0), "eval_duration": 1000})
        self.end_stream()


parser = argparse.ArgumentParser(description="A fake OpenAI-compatible / Ollama model server for tests.")
parser.add_argument("--dialect", choices=["openai", "ollama"], required=True)
parser.add_argument("--script", required=True)
parser.add_argument("--record", required=True)
parser.add_argument("--port-file", required=True)
parser.add_argument("--api-key")
options = parser.parse_args()
with open(options.script) as source:
    script = json.load(source)
server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(options.port_file + ".tmp", "w") as out:
    out.write(str(server.server_address[1]))
import os
os.replace(options.port_file + ".tmp", options.port_file)
server.serve_forever()
