"""Client of rally serve's event stream, for tests and the benchmark.

usage: sse.py PORT FILE TEXT|+ [TIMEOUT]
Connects to /_rally/events on 127.0.0.1:PORT, then writes TEXT to FILE
(or, with +, appends a line), and prints the first event that follows
("reload" or "fail" and its data) and the milliseconds from the write
to the event.  Exit status 1 when no event comes within TIMEOUT s.
"""
import socket
import sys
import time

port, path, text = int(sys.argv[1]), sys.argv[2], sys.argv[3]
timeout = float(sys.argv[4]) if len(sys.argv) > 4 else 20
s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"GET /_rally/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
s.settimeout(timeout)
buf = b""
while b"retry:" not in buf:
    d = s.recv(4096)
    if not d:
        sys.exit("sse: the stream closed")
    buf += d
# A page opened after a failed build is told at once: skip that.
time.sleep(0.3)
s.setblocking(False)
try:
    while s.recv(65536):
        pass
except BlockingIOError:
    pass
s.settimeout(timeout)
t0 = time.time()
if text == "+":
    with open(path, "a") as f:
        f.write("\nOne more line.\n")
else:
    with open(path, "w") as f:
        f.write(text)
buf = b""
# One deadline for the event, however often the stream keeps alive.
deadline = t0 + timeout
try:
    while True:
        if time.time() >= deadline:
            raise socket.timeout()
        s.settimeout(max(0.01, deadline - time.time()))
        d = s.recv(65536)
        if not d:
            break
        buf += d
        i = buf.find(b"event: ")
        if i >= 0 and b"\n\n" in buf[i:]:
            break
except socket.timeout:
    print("none")
    sys.exit(1)
t1 = time.time()
ev = buf[buf.find(b"event: "):].decode("utf-8", "replace")
kind = ev.split("\n", 1)[0][7:]
data = "\n".join(l[6:] for l in ev.split("\n") if l.startswith("data: "))
print("%s %.0f ms" % (kind, (t1 - t0) * 1000))
if data.strip():
    print(data)
