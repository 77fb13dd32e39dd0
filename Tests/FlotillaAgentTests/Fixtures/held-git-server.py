#!/usr/bin/env python3
"""A static web server for tests that serves bare git repositories over git's dumb HTTP
transport (plain files: `info/refs`, `HEAD`, `objects/…`; the repository needs
`git update-server-info` after each push), and holds every request while a hold file exists:
a remote as slow as the test wants, for a clone that takes as long as a big repository's.

    held-git-server.py --root DIR --hold FILE --port-file PORTFILE [--max-hold SECONDS]

Requests wait while FILE exists (polled every 50 ms), at most --max-hold seconds (default 120),
then are served. Each request path is appended to DIR/../requests.log.
"""
import argparse
import functools
import os
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer


class Handler(SimpleHTTPRequestHandler):
    def __init__(self, *args, hold, max_hold, log, **kwargs):
        self.hold = hold
        self.max_hold = max_hold
        self.log = log
        super().__init__(*args, **kwargs)

    def do_GET(self):
        with open(self.log, "a") as record:
            record.write(self.path + "\n")
        deadline = time.monotonic() + self.max_hold
        while os.path.exists(self.hold) and time.monotonic() < deadline:
            time.sleep(0.05)
        super().do_GET()

    def log_message(self, *args):
        pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--hold", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--max-hold", type=float, default=120)
    options = parser.parse_args()
    log = os.path.join(os.path.dirname(os.path.abspath(options.root)), "requests.log")
    handler = functools.partial(Handler, hold=options.hold, max_hold=options.max_hold, log=log, directory=options.root)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    temporary = options.port_file + ".tmp"
    with open(temporary, "w") as out:
        out.write(str(server.server_address[1]))
    os.rename(temporary, options.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
