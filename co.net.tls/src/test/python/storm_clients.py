"""The client side of the TLS storm (co.net.tls.TlsStormSoak), in processes of its own.

COUNT TLS clients (Python's ssl module under asyncio) start connecting at the same moment, wait
until every one is connected, then for SECONDS each sends pseudo-random messages of 1 to 8192 bytes
and checks each echo byte for byte and by CRC-32. A client waits for its handshake as long as the
storm needs: the server runs a bounded number of handshakes at a time and queues the others, which
from the client's side is a slow server, not a dead one.

The clients are spread over PROCESSES worker processes (each an asyncio loop), which start together
and begin the echo together once every client of every worker is connected. They stand for 10,000
separate machines, each answering its server at once; one Python thread cannot: it first builds all
10,000 ClientHellos, and on a loaded 2-core machine the server's first flights then wait 45 s or more
for an answer, longer than any sane handshake timeout (measured: 1,099 of 10,000 handshakes timed out
on the server after 10 s of the client's silence).

Usage: storm_clients.py HOST PORT CA_PEM COUNT SECONDS RESULT_FILE [PROCESSES]
The result file gets "ok CONNECTIONS ECHOES BYTES" or "fail FAILURES FIRST-REASON; by kind: ...";
exit status 0 only for ok.
"""
import asyncio
import multiprocessing
import random
import ssl
import sys
import time
import zlib

HANDSHAKE_SECONDS = 300
ECHO_SECONDS = 60
MAX_MESSAGE = 8192
BARRIER_SECONDS = HANDSHAKE_SECONDS + 60


async def run_clients(host, port, ca, first, count, seconds, barrier):
    """Runs clients first .. first+count-1; returns (open, echoes, bytes, failures, kinds)."""
    ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=ca)
    ctx.check_hostname = True
    loop = asyncio.get_running_loop()
    connected = 0
    all_connected = asyncio.Event()
    failures = []
    stats = {"open": 0, "echoes": 0, "bytes": 0}
    end = [None]
    start = time.monotonic()
    kinds = {}

    def failed(i, phase, what):
        # Every failure is counted by phase and kind, with the time it came after the start.
        key = "%s %s" % (phase, what if isinstance(what, str) else type(what).__name__)
        first_seen = kinds.setdefault(key, [0, time.monotonic() - start, i, repr(what)])
        first_seen[0] += 1
        failures.append("connection %d: %s: %r" % (i, phase, what))

    async def every_worker_connected():
        # The other workers' clients too: the echo starts for all at once.
        try:
            await loop.run_in_executor(None, barrier.wait, BARRIER_SECONDS)
        except Exception as e:  # noqa: BLE001 - a broken barrier fails the run
            failed(-1, "barrier", e)
        end[0] = time.monotonic() + seconds
        all_connected.set()

    def count_down():
        nonlocal connected
        connected += 1
        if connected == count:
            loop.create_task(every_worker_connected())

    async def client(i):
        writer = None
        try:
            try:
                reader, writer = await asyncio.open_connection(
                    host, port, ssl=ctx, server_hostname="localhost",
                    ssl_handshake_timeout=HANDSHAKE_SECONDS)
            except Exception as e:  # noqa: BLE001 - every failure is reported
                failed(i, "connect", e)
                count_down()
                return
            stats["open"] += 1
            count_down()
            await all_connected.wait()
            rnd = random.Random(i)
            while time.monotonic() < end[0]:
                n = rnd.randint(1, MAX_MESSAGE)
                data = rnd.randbytes(n)
                writer.write(data)
                await asyncio.wait_for(writer.drain(), ECHO_SECONDS)
                back = await asyncio.wait_for(reader.readexactly(n), ECHO_SECONDS)
                if back != data or zlib.crc32(back) != zlib.crc32(data):
                    failed(i, "echo", "differs")
                    return
                stats["echoes"] += 1
                stats["bytes"] += n
        except Exception as e:  # noqa: BLE001
            failed(i, "echo", e)
        finally:
            if writer is not None:
                writer.close()
                try:
                    await asyncio.wait_for(writer.wait_closed(), 10)
                except Exception:  # noqa: BLE001 - the close_notify is best effort here
                    pass

    await asyncio.gather(*(client(i) for i in range(first, first + count)))
    return stats["open"], stats["echoes"], stats["bytes"], failures[:1], len(failures), kinds


def worker(host, port, ca, first, count, seconds, start_barrier, barrier, out):
    start_barrier.wait()  # every worker connects at the same moment
    try:
        out.put(asyncio.run(run_clients(host, port, ca, first, count, seconds, barrier)))
    except BaseException as e:  # noqa: BLE001
        barrier.abort()
        out.put((0, 0, 0, ["worker %d: %r" % (first, e)], 1, {}))


def main(host, port, ca, count, seconds, processes):
    processes = max(1, min(processes, count))
    start_barrier = multiprocessing.Barrier(processes)
    barrier = multiprocessing.Barrier(processes)
    out = multiprocessing.Queue()
    workers = []
    for w in range(processes):
        first = count * w // processes
        n = count * (w + 1) // processes - first
        p = multiprocessing.Process(target=worker,
                                    args=(host, port, ca, first, n, seconds, start_barrier, barrier, out))
        p.start()
        workers.append(p)
    opened = echoes = total = failed = 0
    first_failures = []
    kinds = {}
    for _ in workers:
        o, e, b, first_failure, f, k = out.get()
        opened += o
        echoes += e
        total += b
        failed += f
        first_failures += first_failure
        for key, v in k.items():
            seen = kinds.setdefault(key, [0, v[1], v[2], v[3]])
            seen[0] += v[0]
            if v[1] < seen[1]:
                seen[1:] = v[1:]
    for p in workers:
        p.join()
    if failed:
        summary = "; ".join("%d x %s (first after %.1f s, connection %d: %s)" % (v[0], k, v[1], v[2], v[3])
                            for k, v in sorted(kinds.items(), key=lambda kv: -kv[1][0]))
        return "fail %d %s; by kind: %s" % (failed, first_failures[0], summary)
    return "ok %d %d %d" % (opened, echoes, total)


if __name__ == "__main__":
    host, port, ca, count, seconds, result = sys.argv[1:7]
    procs = int(sys.argv[7]) if len(sys.argv) > 7 else 1
    try:
        outcome = main(host, int(port), ca, int(count), int(seconds), procs)
    except BaseException as e:  # noqa: BLE001
        outcome = "fail 1 %r" % (e,)
    with open(result, "w") as f:
        f.write(outcome)
    sys.exit(0 if outcome.startswith("ok") else 1)
