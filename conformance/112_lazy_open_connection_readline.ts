// Pins issue 8 for streams: wait_for(open_connection(...), 0) never connects; create_task(open_connection(...))
// against start_server() on port 0 runs the connect in a task of its own; wait_for(reader.readline(), 0) and
// wait_for(reader.readexactly(3), 0) read nothing, so the next readline() or readexactly() still returns the data,
// whether it is already buffered or not; wait_for(reader.readline(), 0.01) with nothing coming times out and a
// later readline() gets the line sent afterwards.
import * as asyncio from "../src/index.ts";
import { print, typeName } from "./_py.ts";

const main = asyncio.coroutine(async () => {
  const handled: number[] = [];

  const handle = asyncio.coroutine(async (reader: asyncio.StreamReader, writer: asyncio.StreamWriter) => {
    handled.push(handled.length + 1);
    writer.write(Buffer.from("first\nsecond\n"));
    await writer.drain();
    print("server got:", await reader.readline());
    writer.write(Buffer.from("third\nABCDEF"));
    await writer.drain();
    writer.close();
    await writer.waitClosed();
  });

  const server = await asyncio.startServer(handle, "127.0.0.1", 0);
  const port = (server.sockets[0]?.getsockname() as [string, number])[1];
  await server.with(async () => {
    try {
      await asyncio.waitFor(asyncio.openConnection("127.0.0.1", port), 0);
    } catch (exc) {
      if (!(exc instanceof asyncio.TimeoutError)) throw exc;
      print("wait_for(open_connection(...), 0):", typeName(exc));
    }

    const task = asyncio.createTask(asyncio.openConnection("127.0.0.1", port));
    print("coroutine:", asyncio.iscoroutine(task.getCoro()), "done before its first step:", task.done());
    const [reader, writer] = await task;
    print("task result:", typeName(reader), typeName(writer));
    print(
      "connected to the server's port:",
      (writer.getExtraInfo("peername") as [string, number])[1] === port,
    );

    try {
      await asyncio.waitFor(reader.readline(), 0);
    } catch (exc) {
      if (!(exc instanceof asyncio.TimeoutError)) throw exc;
      print("wait_for(reader.readline(), 0) timed out");
    }
    print("readline():", await reader.readline());
    try {
      await asyncio.waitFor(reader.readline(), 0);
    } catch (exc) {
      if (!(exc instanceof asyncio.TimeoutError)) throw exc;
      print("wait_for(reader.readline(), 0) timed out with a line buffered");
    }
    print("readline():", await reader.readline());
    try {
      await asyncio.waitFor(reader.readline(), 0.01);
    } catch (exc) {
      if (!(exc instanceof asyncio.TimeoutError)) throw exc;
      print("wait_for(reader.readline(), 0.01) timed out; at_eof:", reader.atEof());
    }

    writer.write(Buffer.from("more\n"));
    print("readline():", await reader.readline());
    try {
      await asyncio.waitFor(reader.readexactly(3), 0);
    } catch (exc) {
      if (!(exc instanceof asyncio.TimeoutError)) throw exc;
      print("wait_for(reader.readexactly(3), 0) timed out");
    }
    print("readexactly(3):", await reader.readexactly(3));
    print("read():", await reader.read());
    print("readline() at EOF:", await reader.readline(), reader.atEof());
    writer.close();
    await writer.waitClosed();
    print("connections handled:", handled);
  });
});

await asyncio.run(main());
