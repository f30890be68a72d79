// Pins TLS on the protocol loop methods: a TLS echo (loop.createServer and loop.createConnection with ssl, the
// client's connectionMade after the handshake, the TLS transport's extra info and its missing half-close), a
// STARTTLS exchange (plain lines, then loop.startTls on both sides), a handshake timeout against a peer that never
// answers, and startTls's argument errors. A self-signed certificate for 127.0.0.1 is made with the openssl CLI in
// a temporary directory. Events of the two sides are recorded and printed in a fixed order, since which side
// finishes its handshake first is up to TLS. Python's SSLContext objects are SSLOptions here ({ key, cert },
// { ca }); ConnectionAbortedError is an Error with code ECONNABORTED.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as asyncio from "../src/index.ts";
import { print, repr } from "./_py.ts";

const HOST = "127.0.0.1";

function makeCertificate(directory: string): { key: Buffer; cert: Buffer } {
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-days",
      "2",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
      "-keyout",
      "key.pem",
      "-out",
      "cert.pem",
    ],
    { cwd: directory, stdio: "ignore" },
  );
  return {
    key: fs.readFileSync(path.join(directory, "key.pem")),
    cert: fs.readFileSync(path.join(directory, "cert.pem")),
  };
}

/** Records its calls; resolves `got` when `want` bytes have arrived, `lost` on connectionLost. */
class Side extends asyncio.Protocol {
  readonly name: string;
  echo: boolean;
  readonly events: string[] = [];
  data = Buffer.alloc(0);
  transport: asyncio.SocketTransport | null = null;
  got = asyncio.getRunningLoop().createFuture<Buffer>();
  want: Buffer | null = null;
  readonly lost = asyncio.getRunningLoop().createFuture<null>();

  constructor(name: string, echo = false) {
    super();
    this.name = name;
    this.echo = echo;
  }

  override connectionMade(transport: asyncio.SocketTransport): void {
    this.events.push("connection_made");
    this.transport = transport;
  }

  override dataReceived(data: Buffer): void {
    this.events.push(`data_received ${repr(data)}`);
    this.data = Buffer.concat([this.data, data]);
    if (this.echo) this.transport?.write(Buffer.concat([Buffer.from("echo: "), data]));
    const want = this.want;
    if (want !== null && this.data.subarray(-want.length).equals(want) && !this.got.done()) {
      this.got.setResult(this.data);
    }
  }

  override eofReceived(): undefined {
    this.events.push("eof_received");
    return undefined;
  }

  override connectionLost(exc: Error | null): void {
    this.events.push(`connection_lost ${repr(exc)}`);
    this.lost.setResult(null);
  }
}

class StartTlsServer extends Side {
  readonly serverCtx: asyncio.SSLOptions;
  readonly upgraded = asyncio.getRunningLoop().createFuture<null>();

  constructor(serverCtx: asyncio.SSLOptions) {
    super("server");
    this.serverCtx = serverCtx;
  }

  override dataReceived(data: Buffer): void {
    if (this.upgraded.done()) {
      super.dataReceived(data);
      return;
    }
    this.events.push(`plain ${repr(data)}`);
    if (data.toString().endsWith("STARTTLS\n")) {
      this.transport?.write(Buffer.from("GO\n"));
      asyncio.getRunningLoop().createTask(() => this.upgrade());
    }
  }

  async upgrade(): Promise<void> {
    const loop = asyncio.getRunningLoop();
    this.transport = await loop.startTls(this.transport as asyncio.SocketTransport, this, this.serverCtx, {
      serverSide: true,
    });
    this.events.push("upgraded");
    this.echo = true;
    this.upgraded.setResult(null);
  }
}

async function tlsEcho(serverCtx: asyncio.SSLOptions, clientCtx: asyncio.SSLOptions): Promise<void> {
  print("-- TLS echo");
  const loop = asyncio.getRunningLoop();
  const sides: Side[] = [];
  const factory = (): Side => {
    const side = new Side("server", true);
    sides.push(side);
    return side;
  };
  const server = await loop.createServer(factory, HOST, 0, { ssl: serverCtx });
  const port = (server.sockets[0]?.getsockname() ?? ["", 0])[1];
  const [transport, client] = await loop.createConnection(() => new Side("client"), HOST, port, {
    ssl: clientCtx,
  });
  print("client events at return:", client.events);
  const cipher = transport.getExtraInfo("cipher") ?? ["", "", null];
  print(
    "cipher: 3 items",
    (cipher as readonly unknown[]).length === 3,
    "version TLSv1.2+",
    ["TLSv1.2", "TLSv1.3"].includes(cipher[1]),
  );
  print("peercert:", transport.getExtraInfo("peercert") !== null);
  print("compression:", transport.getExtraInfo("compression"));
  print("ssl_object:", transport.getExtraInfo("ssl_object") !== null);
  print("sslcontext:", transport.getExtraInfo("sslcontext") !== null);
  const peer = transport.getExtraInfo("peername") as [string, number];
  print("peername:", peer[0] === HOST && peer[1] === port);
  print("can_write_eof:", transport.canWriteEof());
  try {
    transport.writeEof();
  } catch (exc) {
    if (!(exc instanceof asyncio.NotImplementedError)) throw exc;
    print("write_eof:", exc.name);
  }
  client.want = Buffer.from("echo: hello");
  transport.write(Buffer.from("hello"));
  print("client got:", await client.got);
  const serverSide = sides[0] as Side;
  const serverTransport = serverSide.transport as asyncio.SocketTransport;
  print("server peercert:", serverTransport.getExtraInfo("peercert"));
  print("server can_write_eof:", serverTransport.canWriteEof());
  serverTransport.close();
  await client.lost;
  await serverSide.lost;
  print("client events:", client.events);
  print("server events:", serverSide.events);
  print("client closing:", transport.isClosing());
  server.close();
  await server.waitClosed();
}

async function starttls(serverCtx: asyncio.SSLOptions, clientCtx: asyncio.SSLOptions): Promise<void> {
  print("-- STARTTLS");
  const loop = asyncio.getRunningLoop();
  const sides: StartTlsServer[] = [];
  const factory = (): StartTlsServer => {
    const side = new StartTlsServer(serverCtx);
    sides.push(side);
    return side;
  };
  const server = await loop.createServer(factory, HOST, 0);
  const port = (server.sockets[0]?.getsockname() ?? ["", 0])[1];
  const [plain, client] = await loop.createConnection(() => new Side("client"), HOST, port);
  print("plain can_write_eof:", plain.canWriteEof(), "ssl_object:", plain.getExtraInfo("ssl_object"));
  client.want = Buffer.from("GO\n");
  plain.write(Buffer.from("HELLO\nSTARTTLS\n"));
  print("client got:", await client.got);
  const secure = await loop.startTls(plain, client, clientCtx, { serverHostname: HOST });
  print("new transport:", secure !== plain, "protocol kept:", secure.getProtocol() === client);
  print(
    "secure can_write_eof:",
    secure.canWriteEof(),
    "ssl_object:",
    secure.getExtraInfo("ssl_object") !== null,
  );
  const serverSide = sides[0] as StartTlsServer;
  await serverSide.upgraded;
  client.got = loop.createFuture<Buffer>();
  client.want = Buffer.from("echo: secret");
  secure.write(Buffer.from("secret"));
  print("client got:", await client.got);
  secure.close();
  await client.lost;
  await serverSide.lost;
  print("client events:", client.events);
  print("server events:", serverSide.events);
  server.close();
  await server.waitClosed();
}

async function handshakeTimeout(clientCtx: asyncio.SSLOptions): Promise<void> {
  print("-- handshake timeout");
  const loop = asyncio.getRunningLoop();
  const made: Side[] = [];
  const server = await loop.createServer(() => new Side("silent"), HOST, 0);
  const port = (server.sockets[0]?.getsockname() ?? ["", 0])[1];
  const factory = (): Side => {
    const side = new Side("client");
    made.push(side);
    return side;
  };
  try {
    await loop.createConnection(factory, HOST, port, { ssl: clientCtx, sslHandshakeTimeout: 0.1 });
  } catch (exc) {
    if ((exc as NodeJS.ErrnoException).code !== "ECONNABORTED") throw exc;
    print("create_connection:", (exc as Error).message);
  }
  print(
    "protocol events:",
    made.map((side) => side.events),
  );
  server.close();
  await server.waitClosed();
}

async function badArguments(clientCtx: asyncio.SSLOptions): Promise<void> {
  print("-- start_tls arguments");
  const loop = asyncio.getRunningLoop();
  const [udp, proto] = await loop.createDatagramEndpoint(asyncio.DatagramProtocol, { localAddr: [HOST, 0] });
  try {
    await loop.startTls(udp as never, proto as never, clientCtx);
  } catch (exc) {
    if (!(exc instanceof TypeError)) throw exc;
    const text = exc.message;
    print(
      "datagram transport:",
      text.startsWith("transport <"),
      text.endsWith("> is not supported by start_tls()"),
    );
  }
  udp.close();
  try {
    await loop.startTls(udp as never, proto as never, null as never);
  } catch (exc) {
    if (!(exc instanceof TypeError)) throw exc;
    print(
      "no context:",
      exc.message.startsWith("sslcontext is expected to be an instance of ssl.SSLContext"),
    );
  }
  for (const options of [{ serverHostname: "x" }, { sslHandshakeTimeout: 1 }, { sslShutdownTimeout: 1 }]) {
    try {
      await loop.createConnection(asyncio.Protocol, HOST, 1, options);
    } catch (exc) {
      if (!(exc instanceof RangeError)) throw exc;
      print("create_connection:", exc.message);
    }
  }
  try {
    await loop.createServer(asyncio.Protocol, HOST, 0, { ssl: true as never });
  } catch (exc) {
    if (!(exc instanceof TypeError)) throw exc;
    print("create_server:", exc.message);
  }
}

const main = asyncio.coroutine(async () => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "asyncio-conformance-"));
  try {
    const { key, cert } = makeCertificate(directory);
    const serverCtx = { key, cert };
    const clientCtx = { ca: cert };
    await tlsEcho(serverCtx, clientCtx);
    await starttls(serverCtx, clientCtx);
    await handshakeTimeout(clientCtx);
    await badArguments(clientCtx);
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
  print("done");
});

await asyncio.run(main());
