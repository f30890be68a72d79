# Pins create_subprocess_shell(): the command line goes to /bin/sh, so a pipeline works; stdout and stderr are
# piped separately; the shell's exit status becomes returncode.
import asyncio


async def run(cmd):
    proc = await asyncio.create_subprocess_shell(
        cmd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    stdout, stderr = await proc.communicate()
    print(f"{cmd!r} exited with {proc.returncode}")
    print("  stdout:", stdout)
    print("  stderr:", stderr)


async def main():
    await run("echo hello | tr a-z A-Z")
    await run("echo oops >&2; exit 7")
    await run("printf 'a\\nb\\n' | wc -l | tr -d ' '")


asyncio.run(main())
