#!/usr/bin/env python3
"""The log-throughput app: writes LINES lines of exactly 100 bytes to stdout as fast as it can, in 1 MB
writes, then exits 0. Line i is its number i on 10 digits, then 89 'x', then a newline, so a log can
be checked for lost, repeated or reordered lines by comparing it with `content(LINES)`.

It writes its start time (time.time()) to STAMPFILE before the first byte, and its end time on a
second line after the last byte was handed to the kernel. With HOLD, it then stays up HOLD seconds
before it exits (a manager may rotate only the logs of running apps).

Usage: logwriter.py LINES STAMPFILE [HOLD]
"""
import sys, time

LINE = 100
PAD = b"x" * (LINE - 11) + b"\n"
TAILS = [b"%03d" % j + PAD for j in range(1000)]  # the last 3 digits, the padding and the newline


def chunks(lines, per_chunk=10_000):
    """The content, in chunks of per_chunk lines (a multiple of 1000). Each run of 1000 lines is one
    C-level join: the 7-digit prefix shared by lines 1000*b .. 1000*b+999 is the separator."""
    chunk = []
    for b in range((lines + 999) // 1000):
        prefix = b"%07d" % b
        tails = TAILS if (b + 1) * 1000 <= lines else TAILS[: lines - b * 1000]
        chunk.append(prefix + prefix.join(tails))
        if len(chunk) * 1000 >= per_chunk:
            yield b"".join(chunk)
            chunk = []
    if chunk:
        yield b"".join(chunk)


def content(lines):
    return b"".join(chunks(lines))


def main():
    lines, stamp = int(sys.argv[1]), sys.argv[2]
    with open(stamp, "w") as f:
        f.write(f"{time.time():.6f}\n")
    out = sys.stdout.buffer
    for chunk in chunks(lines):
        out.write(chunk)
    out.flush()
    with open(stamp, "a") as f:
        f.write(f"{time.time():.6f}\n")
    if len(sys.argv) > 3:
        time.sleep(float(sys.argv[3]))


if __name__ == "__main__":
    main()
