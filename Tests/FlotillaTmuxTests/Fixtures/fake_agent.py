#!/usr/bin/env python3
"""A fake interactive TUI agent for Flotilla's tmux tests.

Draws a Claude-Code-like screen: a busy line with a spinner ("esc to interrupt"), an input box
("❯ "), and an approval dialog ("Do you want to proceed?"). Its line editor is deliberately
hostile, like the real thing under fast input:
  * while busy it throws away whatever is typed (input that arrives then is lost);
  * an Enter that arrives in the same read as other typed characters is swallowed (fast
    `send-keys TEXT Enter` leaves the text sitting unsubmitted);
  * it reads slowly (--read-delay), so bursts coalesce.
Every submitted prompt is appended to --record as one JSON line {"text": ...}.

Prompts steer it: "/approve ..." asks for approval, then works; "/test ..." runs "tests";
"/read ..." reads; "/fail" shows an API error; "/done" says the task is complete; "/hold" leaves a busy-looking
line on screen ("esc to interrupt") while it is in fact idle and takes input: a screen that never
reads ready, like an agent whose status line lies.
"""
import argparse, json, os, select, signal, sys, termios, time, tty

p = argparse.ArgumentParser()
p.add_argument("--record", required=True)
p.add_argument("--busy", type=float, default=0.05, help="seconds busy after each prompt")
p.add_argument("--init", type=float, default=0.2, help="seconds of start-up banner")
p.add_argument("--read-delay", type=float, default=0.005)
p.add_argument("--phase", type=float, default=0.6, help="seconds per phase of scripted prompts")
args = p.parse_args()

SPIN = "✻✽✶✳✢·"
out = sys.stdout
fd = sys.stdin.fileno()
old = termios.tcgetattr(fd)
tty.setraw(fd)

def restore(*_):
    termios.tcsetattr(fd, termios.TCSADRAIN, old)
    out.write("\x1b[?2004l")
    out.flush()
    sys.exit(0)

signal.signal(signal.SIGTERM, restore)
signal.signal(signal.SIGHUP, restore)

buf = ""           # the input box
in_paste = False
state = "init"     # init, idle, busy, approval
busy_label = "Thinking"
busy_tool = ""
busy_until = time.time() + args.init
after_busy = None  # what to do when busy ends: list of (label, tool, seconds) or "approval"
notice = ""
history = []
received = 0
dropped = 0
spin_i = 0

def width():
    try:
        return os.get_terminal_size(fd).columns
    except OSError:
        return 80

def draw():
    w = max(20, width())
    lines = [" ✻ Fake Agent — a stand-in for an interactive coding agent", ""]
    for h in history[-4:]:
        lines.append(("> " + h)[: w - 1])
        lines.append("⏺ ok")
    if notice:
        lines.append(notice[: w - 1])
    lines.append("")
    if state == "init":
        lines.append("Starting fake agent…")
    elif state == "busy":
        if busy_tool:
            lines.append(("⏺ " + busy_tool)[: w - 1])
        lines.append(f"{SPIN[spin_i % len(SPIN)]} {busy_label}… ({received} received · esc to interrupt)")
    elif state == "approval":
        lines += ["╭" + "─" * (w - 3) + "╮",
                  "│ Bash command: rm -rf build".ljust(w - 2) + "│",
                  "│ Do you want to proceed?".ljust(w - 2) + "│",
                  "│ ❯ 1. Yes".ljust(w - 2) + "│",
                  "│   2. No, and tell Claude what to do differently (esc)".ljust(w - 2)[: w - 2] + "│",
                  "╰" + "─" * (w - 3) + "╯"]
    if state != "init" and state != "approval":
        shown = buf.split("\n")
        text = shown[-1] if len(shown) == 1 else f"[Pasted text +{len(shown)} lines] {shown[-1]}"
        lines += ["─" * (w - 1), ("❯ " + text)[: w - 1], "─" * (w - 1), "  ? for shortcuts"]
    out.write("\x1b[H\x1b[2J" + "\r\n".join(lines))
    out.flush()

def record(text):
    with open(args.record, "a", encoding="utf-8") as f:
        f.write(json.dumps({"text": text}) + "\n")

def start_busy(label, tool, seconds, then=None):
    global state, busy_label, busy_tool, busy_until, after_busy
    state, busy_label, busy_tool, busy_until, after_busy = "busy", label, tool, time.time() + seconds, then

def submit(text):
    global received, notice
    received += 1
    record(text)
    history.append(text.split("\n")[0][:60])
    notice = ""
    word = text.strip().split(" ")[0] if text.strip() else ""
    ph = args.phase
    if word == "/approve":
        start_busy("Thinking", "", ph, then="approval")
    elif word == "/test":
        start_busy("Running", "Bash(swift test)", ph)
    elif word == "/read":
        start_busy("Reading", "Read(Sources/main.swift)", ph)
    elif word == "/fail":
        notice = "API Error: 500 {\"type\":\"error\",\"error\":{\"type\":\"api_error\"}}"
        start_busy("Thinking", "", ph / 2)
    elif word == "/hold":
        start_busy("Thinking", "", args.busy)
        notice = "✻ Stalled… (esc to interrupt)"
    elif word == "/done":
        start_busy("Thinking", "", ph / 2)
        notice = "Task complete: all checks pass."
    else:
        start_busy("Thinking", "", args.busy)

def handle(data):
    """Feeds one read's worth of bytes to the line editor."""
    global buf, in_paste, state
    typed_other = any(c not in "\r" for c in data.replace("\x1b[200~", "").replace("\x1b[201~", ""))
    i = 0
    while i < len(data):
        if data.startswith("\x1b[200~", i):
            in_paste = True; i += 6; continue
        if data.startswith("\x1b[201~", i):
            in_paste = False; i += 6; continue
        c = data[i]; i += 1
        if in_paste:
            buf += "\n" if c == "\r" else c
            continue
        if state == "approval":
            if c in "1y\r":
                start_busy("Running", "Bash(rm -rf build)", args.phase)
            elif c in "2n\x1b":
                state = "idle"
            continue
        if c == "\r":
            if typed_other:
                continue  # a fast Enter is taken as part of the burst and lost
            if buf.strip():
                text, buf = buf, ""
                submit(text)
            continue
        if c == "\x15":
            buf = ""
        elif c == "\x7f":
            buf = buf[:-1]
        elif c == "\x03":
            buf = ""
        elif c == "\x1b":
            pass
        elif c == "\n":
            buf += "\n"
        elif ord(c) >= 32:
            buf += c

out.write("\x1b[?2004h")
draw()
decoder = __import__("codecs").getincrementaldecoder("utf-8")()
last_draw = 0
while True:
    now = time.time()
    if state in ("init", "busy") and now >= busy_until:
        if after_busy == "approval":
            state = "approval"; after_busy = None
        else:
            state = "idle"; busy_tool = ""
        draw()
    timeout = 0.1 if state in ("init", "busy") else 1.0
    r, _, _ = select.select([fd], [], [], timeout)
    if state in ("init", "busy"):
        if r:
            dropped += len(os.read(fd, 65536))  # busy: typed input is lost
        spin_i += 1
        draw()
        continue
    if not r:
        continue
    time.sleep(args.read_delay)
    data = decoder.decode(os.read(fd, 65536))
    handle(data)
    draw()
