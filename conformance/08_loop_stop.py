# Pins reference §2.1 items 9-10: stop() lets the current iteration finish; stop() before run_forever() runs
# exactly one iteration; run_until_complete() stopped early raises RuntimeError and the task can be resumed.
import asyncio

loop = asyncio.new_event_loop()


def a():
    print("a: calls stop() and schedules c")
    loop.stop()
    loop.call_soon(c)


def b():
    print("b: same iteration as a")


def c():
    print("c: next run_forever")
    loop.stop()


def e():
    print("e: the single iteration, schedules f")
    loop.call_soon(f)


def f():
    print("f")


loop.call_soon(a)
loop.call_soon(b)
loop.run_forever()
print("run_forever returned; running:", loop.is_running())
loop.run_forever()
print("second run_forever returned")

loop.stop()
loop.call_soon(e)
loop.run_forever()
print("pre-stopped run_forever returned")


async def work():
    print("work: step 1")
    await asyncio.sleep(0)
    print("work: step 2")
    return "work result"


task = loop.create_task(work())
loop.call_soon(loop.stop)
try:
    loop.run_until_complete(task)
except RuntimeError as exc:
    print("RuntimeError:", exc)
print("task done:", task.done())
print("resumed:", loop.run_until_complete(task))
loop.close()
print("closed:", loop.is_closed())
