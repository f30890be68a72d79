/**
 * Debug mode only: where each task last awaited a coroutine it made (the frames where that
 * coroutine was made, as trackCoroutine() gives them). The call graph, `asyncio-ts ps` and task
 * reprs read it. A WeakMap rather than a field, so that a task costs nothing for it outside debug
 * mode.
 */
export const suspendedAt = new WeakMap<object, string>();
