"""The client side of the TLS storm (co.net.tls.TlsStormSoak), in its own process.

COUNT TLS clients (Python's ssl module, asyncio, one process) start connecting at the same moment,
wait until every one is connected, then for SECONDS each sends pseudo-random messages of 1 to 8192
bytes and checks each echo byte for byte and by CRC-32. A client waits for its handshake as long as
the storm needs: the server admits handshakes a bounded number at a time, so the last clients wait
in its listen backlog, which from the client's side is a slow server, not a dead one.

Usage: storm_clients.py HOST PORT CA_PEM COUNT SECONDS RESULT_FILE
The result file gets "ok CONNECTIONS ECHOES BYTES" or "fail FAILURES FIRST-REASON"; exit status 0
only for ok.
"""
import asyncio
import random
import ssl
import sys
import time
import zlib

HANDSHAKE_SECONDS = 150
ECHO_SECONDS = 60
MAX_MESSAGE = 8192


async def main(host, port, ca, count, seconds):
    ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=ca)
    ctx.check_hostname = True
    connected = 0
    all_connected = asyncio.Event()
    failures = []
    stats = {"open": 0, "echoes": 0, "bytes": 0}
    end = [None]

    def count_down():
        nonlocal connected
        connected += 1
        if connected == count:
            end[0] = time.monotonic() + seconds
            all_connected.set()

    async def client(i):
        writer = None
        try:
            try:
                reader, writer = await asyncio.open_connection(
                    host, port, ssl=ctx, server_hostname="localhost",
                    ssl_handshake_timeout=HANDSHAKE_SECONDS)
            except Exception as e:  # noqa: BLE001 - every failure is reported
                failures.append("connection %d: connect: %r" % (i, e))
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
                    failures.append("connection %d: echo %d differs" % (i, stats["echoes"]))
                    return
                stats["echoes"] += 1
                stats["bytes"] += n
        except Exception as e:  # noqa: BLE001
            failures.append("connection %d: %r" % (i, e))
        finally:
            if writer is not None:
                writer.close()
                try:
                    await asyncio.wait_for(writer.wait_closed(), 10)
                except Exception:  # noqa: BLE001 - the close_notify is best effort here
                    pass

    await asyncio.gather(*(client(i) for i in range(count)))
    if failures:
        return "fail %d %s" % (len(failures), failures[0])
    return "ok %d %d %d" % (stats["open"], stats["echoes"], stats["bytes"])


if __name__ == "__main__":
    host, port, ca, count, seconds, result = sys.argv[1:7]
    try:
        outcome = asyncio.run(main(host, int(port), ca, int(count), int(seconds)))
    except BaseException as e:  # noqa: BLE001
        outcome = "fail 1 %r" % (e,)
    with open(result, "w") as f:
        f.write(outcome)
    sys.exit(0 if outcome.startswith("ok") else 1)
