"""A small agent that speaks the agent protocol (docs/protocol.md) over a real WebSocket to the
hub's /ws, for tests that need what no shell agent does: ask the hub for an approval (envelope
`approval`, contract B) and read the `approval_decision` that comes back. The WebSocket is
wsproto (Debian's python3-wsproto, which python3-selenium already depends on) over a plain
socket; a reader thread keeps every message the hub sends and answers pings."""

import json
import os
import socket
import threading
import time
import urllib.parse

from wsproto import ConnectionType, WSConnection
from wsproto.events import (AcceptConnection, BytesMessage, CloseConnection, Ping, RejectConnection,
                            Request, TextMessage)


def _reply_to(message_id):
    """Matches the hub's reply to one message: `re-<id>`, or an error quoting it as `ref`."""
    return lambda m: m.get("id") == f"re-{message_id}" or (m.get("type") == "error" and (m.get("payload") or {}).get("ref") == message_id)


class WsAgent:
    """`WsAgent(hub, "asker-1", ["approvals"])` registers as that agent with a token of its own
    (minted through the admin API) and says it is ready for work of its roles."""

    def __init__(self, hub, agent_id, roles, timeout=10):
        self.agent_id = agent_id
        self.messages = []  # every envelope the hub sent, in order
        self._changed = threading.Condition()
        self._send_lock = threading.Lock()
        self._closed = False
        self._next = 0
        token = hub.admin.mint(f"ws:{agent_id}", "agent", agent_id=agent_id)
        url = urllib.parse.urlparse(hub.base_url)
        self._sock = socket.create_connection((url.hostname, url.port), timeout=timeout)
        self._ws = WSConnection(ConnectionType.CLIENT)
        self._write(self._ws.send(Request(host=url.netloc, target="/ws",
                                          extra_headers=[(b"authorization", f"Bearer {token}".encode())])))
        self._accepted = threading.Event()
        self._reader = threading.Thread(target=self._read, name=f"ws-{agent_id}", daemon=True)
        self._reader.start()
        if not self._accepted.wait(timeout):
            raise AssertionError(f"the hub did not accept {agent_id}'s WebSocket within {timeout}s")
        self.request("register", {"roles": roles, "executor": "ws-test"}, agent_id=agent_id, expect="registered")
        self.request("ready", {})
        self._beat = threading.Thread(target=self._heartbeats, name=f"beat-{agent_id}", daemon=True)
        self._beat.start()

    # -- sending --

    def send(self, kind, payload, **envelope):
        """Sends one envelope; returns its id."""
        self._next += 1
        message_id = f"{self.agent_id}-{self._next}-{os.urandom(2).hex()}"
        body = {"id": message_id, "type": kind, "payload": payload, **envelope}
        self._write(self._ws.send(TextMessage(data=json.dumps(body))))
        return message_id

    def request(self, kind, payload, expect="ack", timeout=10, **envelope):
        """Sends an envelope and waits for the hub's reply to it (`re-<id>`): returns the reply's
        envelope, or raises with the hub's error."""
        message_id = self.send(kind, payload, **envelope)
        reply = self.wait(f"the reply to {kind}", _reply_to(message_id), timeout)
        if reply["type"] != expect:
            raise AssertionError(f"{kind} was answered {reply['type']}: {json.dumps(reply['payload'])}")
        return reply

    def ask(self, question, timeout=10):
        """Sends an `approval` envelope with `question` (contract B's payload) and waits for the
        hub's ack. Returns (envelope id, ack payload)."""
        message_id = self.send("approval", question)
        reply = self.wait("the approval's ack", _reply_to(message_id), timeout)
        if reply["type"] != "ack":
            raise AssertionError(f"approval was answered {reply['type']}: {json.dumps(reply['payload'])}")
        return message_id, reply["payload"]

    # -- receiving --

    def wait(self, what, predicate, timeout=10):
        """The first message (since the connection opened) that satisfies `predicate`."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for message in self.messages:
                    if predicate(message):
                        return message
                left = deadline - time.monotonic()
                if left <= 0 or self._closed:
                    raise AssertionError(f"{self.agent_id}: no {what} within {timeout}s (closed: {self._closed}); "
                                         f"got {[m.get('type') for m in self.messages]}")
                self._changed.wait(left)

    def decision(self, ref, timeout=10):
        """The `approval_decision` payload for the approval asked by envelope `ref`."""
        return self.wait(f"approval_decision for {ref}",
                         lambda m: m.get("type") == "approval_decision" and m["payload"].get("ref") == ref, timeout)["payload"]

    def assignment(self, task_id, timeout=20):
        return self.wait(f"the assignment of {task_id}",
                         lambda m: m.get("type") == "assignment" and m["payload"].get("task_id") == task_id, timeout)["payload"]

    # -- the connection --

    def close(self):
        if self._closed:
            return
        try:
            self._write(self._ws.send(CloseConnection(code=1000)))
        except OSError:
            pass
        self._closed = True
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._sock.close()
        self._reader.join(timeout=5)

    def _write(self, data):
        with self._send_lock:
            self._sock.sendall(data)

    def _heartbeats(self):
        while not self._closed:
            time.sleep(2)
            if self._closed:
                return
            try:
                self.send("heartbeat", {"status": "alive"})
            except OSError:
                return

    def _read(self):
        self._sock.settimeout(None)
        try:
            while not self._closed:
                data = self._sock.recv(65536)
                if not data:
                    break
                self._ws.receive_data(data)
                for event in self._ws.events():
                    if isinstance(event, AcceptConnection):
                        self._accepted.set()
                    elif isinstance(event, RejectConnection):
                        break
                    elif isinstance(event, Ping):
                        self._write(self._ws.send(event.response()))
                    elif isinstance(event, (TextMessage, BytesMessage)):
                        self._partial = getattr(self, "_partial", "") + (event.data if isinstance(event.data, str) else event.data.decode())
                        if event.message_finished:
                            text, self._partial = self._partial, ""
                            with self._changed:
                                self.messages.append(json.loads(text))
                                self._changed.notify_all()
                    elif isinstance(event, CloseConnection):
                        self._closed = True
        except OSError:
            pass
        finally:
            with self._changed:
                self._closed = True
                self._changed.notify_all()
