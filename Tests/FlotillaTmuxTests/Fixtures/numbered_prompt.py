#!/usr/bin/env python3
"""A pane that asks like Claude Code's permission dialog and reads one key, for the tmux
fallback of approvals.

Draws a boxed "Do you want to proceed?" with a numbered menu (1. Yes / 2. Yes, and don't ask
again / 3. No, and tell Claude what to do differently) about the command FIRST. With --then and
--trigger, once the trigger file exists it replaces that prompt with the same dialog about the
command THEN (so a key meant for the first prompt must not reach the second). Every key it
reads is appended to OUT as "<command>:<key>" on a line of its own; after the key that answers
the last prompt it clears the screen and says so.
"""
import argparse, os, select, sys, termios, time, tty

p = argparse.ArgumentParser()
p.add_argument("out")
p.add_argument("--first", default="rm -rf build")
p.add_argument("--then")
p.add_argument("--trigger")
args = p.parse_args()

fd = sys.stdin.fileno()
tty.setraw(fd)
out = sys.stdout


def show(command):
    width = 64
    def line(text):
        return "│ " + text.ljust(width - 4) + " │\r\n"
    out.write("\x1b[2J\x1b[H")
    out.write("╭" + "─" * (width - 2) + "╮\r\n")
    out.write(line("Bash command"))
    out.write(line(""))
    out.write(line("  " + command))
    out.write(line(""))
    out.write(line("Do you want to proceed?"))
    out.write(line("❯ 1. Yes"))
    out.write(line("  2. Yes, and don't ask again for this command"))
    out.write(line("  3. No, and tell Claude what to do differently (esc)"))
    out.write("╰" + "─" * (width - 2) + "╯\r\n")
    out.flush()


def record(command, key):
    with open(args.out, "a") as f:
        f.write(f"{command}:{key}\n")


command = args.first
show(command)
if args.then and args.trigger:
    while not os.path.exists(args.trigger):
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            record(command, os.read(fd, 16).decode(errors="replace"))
    command = args.then
    show(command)
key = os.read(fd, 16).decode(errors="replace")
record(command, key)
out.write("\x1b[2J\x1b[Hanswered " + repr(key) + "\r\n")
out.flush()
while True:
    time.sleep(3600)
