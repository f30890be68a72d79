// Pins DatagramProtocol.error_received on a connected endpoint: the port it is connected to was just closed, so the
// ICMP "port unreachable" each datagram draws comes back as ECONNREFUSED through error_received() (twice: the
// transport stays open); a datagram over 65,507 bytes gets EMSGSIZE there too; sendto() with another address is
// refused with CPython's ValueError; close() then reports connection_lost(None). Bounded by a 5 s timeout.
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

class Probe extends asyncio.DatagramProtocol {
  readonly lost: asyncio.Future<Error | null>;
  constructor(lost: asyncio.Future<Error | null>) {
    super();
    this.lost = lost;
  }

  override connectionLost(exc: Error | null): void {
    this.lost.setResult(exc);
  }
}

class Client extends asyncio.DatagramProtocol {
  readonly errors = new asyncio.Queue<Error>();
  readonly lost: asyncio.Future<null>;
  constructor(loop: asyncio.BaseEventLoop) {
    super();
    this.lost = loop.createFuture<null>();
  }

  override connectionMade(): void {
    print("connection made");
  }

  override datagramReceived(data: Buffer): void {
    print("unexpected datagram", data);
  }

  override errorReceived(exc: Error): void {
    this.errors.putNowait(exc);
  }

  override connectionLost(exc: Error | null): void {
    print("connection lost:", exc);
    this.lost.setResult(null);
  }
}

const code = (exc: Error): unknown => (exc as NodeJS.ErrnoException).code;

const main = asyncio.coroutine(async () => {
  const loop = asyncio.getRunningLoop();
  const lost = loop.createFuture<Error | null>();
  const [probe] = await loop.createDatagramEndpoint(() => new Probe(lost), { localAddr: ["127.0.0.1", 0] });
  const port = probe.getExtraInfo("sockname")?.[1] ?? 0;
  probe.close();
  print("probe closed:", await lost);

  const [transport, client] = await loop.createDatagramEndpoint(() => new Client(loop), {
    remoteAddr: ["127.0.0.1", port],
  });
  for (let n = 0; n < 2; n++) {
    transport.sendto(Buffer.from("ping"));
    const exc = await client.errors.get();
    print(`error ${n}:`, code(exc), "closing:", transport.isClosing());
  }

  transport.sendto(Buffer.alloc(65508, "x"));
  const tooLarge = await client.errors.get();
  print("too large:", code(tooLarge), "closing:", transport.isClosing());

  try {
    transport.sendto(Buffer.from("ping"), ["127.0.0.1", port < 65535 ? port + 1 : port - 1]);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    print("ValueError:", e.message.replace(String(port), "PORT"));
  }
  transport.sendto(Buffer.from("ping"), ["127.0.0.1", port]);
  const same = await client.errors.get();
  print("same address:", code(same));

  transport.close();
  await client.lost;
  print("errors left:", client.errors.qsize());
});

await asyncio.run(() => asyncio.timeout(5).with(main));
