// Streaming bodies through resp.content: async iteration by line over a body the server writes in parts,
// iterChunked(n), readline(), readexactly(), read(n), read() to the end, atEof(), and a large body counted
// chunk by chunk. Local node:http server on 127.0.0.1 port 0 (aiohttp.web in the .py).
import { Buffer } from "node:buffer";
import http from "node:http";
import type { AddressInfo } from "node:net";
import * as asyncio from "../src/index.ts";
import { ClientSession } from "../src/http/index.ts";
import { print } from "./_py.ts";

async function startServer(): Promise<[http.Server, string]> {
  const server = http.createServer((req, res) => {
    if (req.url === "/parts") {
      void (async () => {
        for (const part of ["alpha\nbe", "ta\n", "gamma\ndelta"]) {
          res.write(part);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        res.end();
      })();
    } else if (req.url === "/digits") res.end("0123456789");
    else res.end(Buffer.alloc(300000, "x"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return [server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`];
}

const main = asyncio.coroutine("main", async () => {
  const [server, base] = await startServer();
  await new ClientSession().with(async (session) => {
    await session.get(base + "/parts").with(async (resp) => {
      for await (const line of resp.content) print("line:", line);
      print("at_eof:", resp.content.atEof());
    });

    await session.get(base + "/digits").with(async (resp) => {
      const chunks: Buffer[] = [];
      for await (const chunk of resp.content.iterChunked(4)) chunks.push(chunk);
      print("chunks:", chunks);
    });

    await session.get(base + "/digits").with(async (resp) => {
      print("readexactly(3):", await resp.content.readexactly(3));
      print("read(2):", await resp.content.read(2));
      print("readline():", await resp.content.readline());
      print("read():", await resp.content.read());
      try {
        await resp.content.readexactly(1);
      } catch (exc) {
        if (!(exc instanceof asyncio.IncompleteReadError)) throw exc;
        print(exc.name, exc.partial, exc.expected);
      }
    });

    await session.get(base + "/big").with(async (resp) => {
      let total = 0;
      for await (const chunk of resp.content.iterChunked(65536)) total += chunk.length;
      print("big body:", total, "bytes, Content-Length", resp.headers.get("Content-Length"));
    });
  });
  server.close();
});

await asyncio.run(main());
