#!/usr/bin/env python3
"""A notification receiver for tests: a plain HTTP server that records every POST and answers
with the next status of a script (then 200 for ever). It is not a fake of anything: it is what
an operator's webhook endpoint, Slack or ntfy looks like from the hub's side (a URL that takes a
POST), and it checks a Flotilla webhook signature the way docs/notifications.md tells receivers
to, with Python's own hmac, independently of the hub's code.

    notification-receiver.py --record requests.jsonl --port-file port \
        [--statuses 500,/ops=500] [--secret-file key] [--tolerance 300]

--statuses scripts the first answers: a bare status applies to the next request on any path,
`PATH=STATUS` to the next request on that path; past the script every request gets 200.

Each request is appended to the record file as
    {"path", "headers": {name: value}, "body": "<text>", "status": <answered>, "signature_valid": bool|null}
with `signature_valid` null when the request carries no X-Flotilla-Signature.
"""
import argparse
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
state = {"served": 0, "by_path": {}}


def signature_valid(headers, body, secret, tolerance):
    """The receiver's side of the contract: sha256=HMAC(secret, "<timestamp>.<body>"), compared
    in constant time, and a timestamp within `tolerance` seconds of now."""
    header = headers.get("X-Flotilla-Signature")
    if header is None:
        return None
    timestamp = headers.get("X-Flotilla-Timestamp", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > tolerance:
        return False
    expected = "sha256=" + hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        with lock:
            index = state["served"]
            state["served"] += 1
            statuses = self.server.statuses
            status = statuses[index] if index < len(statuses) else 200
            scripted = self.server.path_statuses.get(self.path, [])
            seen = state["by_path"].get(self.path, 0)
            state["by_path"][self.path] = seen + 1
            if seen < len(scripted):
                status = scripted[seen]
            record = {
                "path": self.path,
                "headers": {name: value for name, value in self.headers.items()},
                "body": body.decode("utf-8", "replace"),
                "status": status,
                "signature_valid": signature_valid(self.headers, body, self.server.secret, self.server.tolerance)
                if self.server.secret is not None else None,
            }
            with open(self.server.record, "a") as out:
                out.write(json.dumps(record) + "\n")
        answer = b'{"ok":true}' if status < 300 else b"receiver down for the test"
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--record", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--statuses", default="")
    parser.add_argument("--secret-file")
    parser.add_argument("--tolerance", type=int, default=300)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.record = args.record
    entries = [s for s in args.statuses.split(",") if s]
    server.statuses = [int(s) for s in entries if "=" not in s]
    server.path_statuses = {}
    for entry in entries:
        if "=" in entry:
            path, status = entry.split("=", 1)
            server.path_statuses.setdefault(path, []).append(int(status))
    server.secret = open(args.secret_file, "rb").read().strip() if args.secret_file else None
    server.tolerance = args.tolerance
    with open(args.port_file + ".tmp", "w") as out:
        out.write(str(server.server_address[1]))
    import os
    os.rename(args.port_file + ".tmp", args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
