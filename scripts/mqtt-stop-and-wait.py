#!/usr/bin/env python3
"""The floor for stop-and-wait QoS 1 publishing: a bare socket, no MQTT library.

Usage: mqtt-stop-and-wait.py PORT COUNT [--spin]

Connects (MQTT 3.1.1), then publishes COUNT QoS 1 messages, each after the previous PUBACK.
By default it blocks in recv() like any event-driven client (ours, paho); with --spin it polls a
non-blocking socket at 100 % CPU, which is what `mosquitto_pub --repeat` does (its select()
always has a zero timeout). The difference between the two is the cost of sleeping and being
woken per message, not of any client's code. Prints the rate.
"""
import socket
import struct
import sys
import time

port, count = int(sys.argv[1]), int(sys.argv[2])
spin = "--spin" in sys.argv[3:]
sock = socket.create_connection(("127.0.0.1", port))
sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
client_id = b"stop-and-wait"
variable = b"\x00\x04MQTT\x04\x02\x00\x3c" + struct.pack(">H", len(client_id)) + client_id
sock.sendall(bytes([0x10, len(variable)]) + variable)
if sock.recv(4)[:1] != b"\x20":
    sys.exit("no CONNACK")
sock.setblocking(not spin)
start = time.perf_counter()
for packet_id in range(1, count + 1):
    body = b"\x00\x01s" + struct.pack(">H", (packet_id - 1) % 65535 + 1) + b"payload-000000"
    sock.sendall(bytes([0x32, len(body)]) + body)
    ack = b""
    while len(ack) < 4:
        try:
            ack += sock.recv(4 - len(ack))
        except BlockingIOError:
            pass
elapsed = time.perf_counter() - start
print(f"{int(count / elapsed):>9} msg/s")
