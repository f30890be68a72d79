// Pins create_subprocess_exec() with pipes and communicate(): the input goes to the child's stdin, which is then
// closed; communicate() returns (stdout, stderr) as bytes, or None for a stream that is not a pipe; returncode is
// None until the child is waited for. The child is node running a program equivalent to the Python one: it
// upper-cases its stdin and reports the byte count on stderr.
import * as asyncio from "../src/index.ts";
import { print, tuple } from "./_py.ts";

const UPPER =
  "const chunks = []; process.stdin.on('data', (c) => chunks.push(c)); process.stdin.on('end', () => { " +
  "const data = Buffer.concat(chunks); process.stdout.write(data.toString('latin1').toUpperCase()); " +
  "process.stderr.write('read ' + data.length + ' bytes'); });";
const HELLO = "console.log('hi from the child')";

const main = asyncio.coroutine(async () => {
  let proc = await asyncio.createSubprocessExec(process.execPath, "-e", UPPER, {
    stdin: asyncio.PIPE,
    stdout: asyncio.PIPE,
    stderr: asyncio.PIPE,
  });
  print("returncode before:", proc.returncode);
  const [stdout, stderr] = await proc.communicate(Buffer.from("hello\nworld\n"));
  print("stdout:", stdout);
  print("stderr:", stderr);
  print("returncode after:", proc.returncode, "wait():", await proc.wait());

  proc = await asyncio.createSubprocessExec(process.execPath, "-e", HELLO, { stdout: asyncio.PIPE });
  print("only stdout piped:", tuple(...(await proc.communicate())), proc.returncode);

  proc = await asyncio.createSubprocessExec(process.execPath, "-e", HELLO, { stdout: asyncio.PIPE });
  print("readline():", await proc.stdout?.readline());
  print("then read():", await proc.stdout?.read(), "wait():", await proc.wait());
});

await asyncio.run(main());
