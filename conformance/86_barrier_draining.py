# Pins reference §2.10 item 87: when the last party arrives the barrier drains; tasks arriving while it drains
# block until every released party has left and it is filling again, then start the next round.
import asyncio


def state(obj):
    r = repr(obj)
    return r[r.index("[") : -1]


async def party(barrier, name):
    print(name, "arrives;", state(barrier))
    index = await barrier.wait()
    print(name, "passes with index", index, state(barrier))
    return name, index


async def main():
    barrier = asyncio.Barrier(2)
    tasks = [asyncio.create_task(party(barrier, name)) for name in ("a", "b", "c")]
    await asyncio.sleep(0)
    print("after one iteration:", state(barrier), "n_waiting:", barrier.n_waiting)
    await asyncio.sleep(0)
    print("after two iterations:", state(barrier), "n_waiting:", barrier.n_waiting)
    d = asyncio.create_task(party(barrier, "d"))
    print(await asyncio.gather(*tasks, d))
    print("end:", state(barrier))


asyncio.run(main())
