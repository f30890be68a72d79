// Symbol keys for the internals that one module must reach in another (undici's habit).
// Never re-exported from src/index.ts.

/** Runs a ready-queue entry: Handle, Task (first step) or a Future waiter. */
export const kRun = Symbol("asyncio-ts.run");
/** Loop: append a runnable to the ready queue. */
export const kPushReady = Symbol("asyncio-ts.pushReady");
/**
 * Loop: the AsyncResource a task's first step runs in (made outside any task when the loop is
 * made): the step enters the task's store there once, with one context frame.
 */
export const kTaskScope = Symbol("asyncio-ts.taskScope");
/** Loop: a task's step is being resumed by a ready-queue entry. */
export const kBeginStep = Symbol("asyncio-ts.beginStep");
/** Loop: a task's step ended (it suspended on a library awaitable or finished). */
export const kStepEnded = Symbol("asyncio-ts.stepEnded");
/** Loop: bookkeeping of the loop's pending tasks. */
export const kRegisterTask = Symbol("asyncio-ts.registerTask");
export const kUnregisterTask = Symbol("asyncio-ts.unregisterTask");
/** Loop: a TimerHandle was cancelled (for heap clean-up). */
export const kTimerCancelled = Symbol("asyncio-ts.timerCancelled");
/** Loop: the virtual-time loop tracks futures whose exception was never retrieved. */
export const kUnretrieved = Symbol("asyncio-ts.unretrieved");
/** Future: its loop closes; report an exception nobody retrieved. */
export const kReportUnretrieved = Symbol("asyncio-ts.reportUnretrieved");
/** Future: the real state transition of cancel(), which Task.cancel() overrides with a request. */
export const kCancelFuture = Symbol("asyncio-ts.cancelFuture");
export const kSetResult = Symbol("asyncio-ts.setResult");
export const kSetException = Symbol("asyncio-ts.setException");
/** Task: the set of futures it is waiting on. */
export const kAddWaiting = Symbol("asyncio-ts.addWaiting");
export const kRemoveWaiting = Symbol("asyncio-ts.removeWaiting");
/** Task: a cancel request not delivered yet (CPython's _must_cancel). */
export const kTakeMustCancel = Symbol("asyncio-ts.takeMustCancel");
/** Task: cancel the future just awaited if a cancel request is pending. */
export const kDeliverCancel = Symbol("asyncio-ts.deliverCancel");
/** Lock, Semaphore, Condition: take it now if that needs no wait; true if taken. */
export const kTryAcquire = Symbol("asyncio-ts.tryAcquire");
/** Coroutine: start the wrapped async function (once). */
export const kStart = Symbol("asyncio-ts.start");
/** Loop hook: arm (or, with null, disarm) the wake-up for the earliest timer (loop seconds). */
export const kArmTimer = Symbol("asyncio-ts.armTimer");
/** Loop hook: the armed wake-up fired; run if the loop is idle. */
export const kTimerFired = Symbol("asyncio-ts.timerFired");
/** Loop hook: keep Node alive while the loop runs (the virtual loop does not). */
export const kKeepAlive = Symbol("asyncio-ts.keepAlive");
/** Loop: the time of the earliest pending timer, or null. */
export const kNextTimer = Symbol("asyncio-ts.nextTimer");
/** Loop: whether the loop is idle (nothing ready, waiting for timers or I/O). */
export const kIsIdle = Symbol("asyncio-ts.isIdle");
/** Task: the loop's intrusive list of pending tasks (CPython's all_tasks). */
export const kPrevTask = Symbol("asyncio-ts.prevTask");
export const kNextTask = Symbol("asyncio-ts.nextTask");
/** Loop: how many timers its heap holds, cancelled ones not purged yet included (for tests). */
export const kScheduledTimers = Symbol("asyncio-ts.scheduledTimers");
/** The awaited-by graph: a done callback (a function) tagged with the future that awaits through it. */
export const kAwaiter = Symbol("asyncio-ts.awaiter");
/** The awaited-by graph: a future's pending callback entries. */
export const kCallbackEntries = Symbol("asyncio-ts.callbackEntries");
/** Task: park on an await (the task itself is the future's callback entry; no Waiter). */
export const kPark = Symbol("asyncio-ts.park");
/** Task: its ready-queue entry resumes an await whose reactions only queue microtasks. */
export const kInlineSafe = Symbol("asyncio-ts.inlineSafe");
/** Task: the promise a chain made on an await's `then()` result settles with. */
export const kChainPromise = Symbol("asyncio-ts.chainPromise");
/** WritePipeTransport: the reader closed its end (the subprocess transport, at the child's exit). */
export const kPeerClosed = Symbol("asyncio-ts.peerClosed");
/** BaseSubprocessTransport: connect the child's pipes after the spawn. */
export const kConnectPipes = Symbol("asyncio-ts.connectPipes");
/** BaseSubprocessTransport: wait for the exit and every pipe closed. */
export const kWaitExit = Symbol("asyncio-ts.waitExit");
/** SocketTransport: give up its socket to the TLS transport that `loop.startTls()` makes. */
export const kTakeSocket = Symbol("asyncio-ts.takeSocket");
/** StreamReaderProtocol: CPython's `_drain_helper()`, what StreamWriter.drain() waits on. */
export const kDrainHelper = Symbol("asyncio-ts.drainHelper");
/** StreamReaderProtocol: CPython's close waiter, what StreamWriter.waitClosed() waits on. */
export const kWaitClosed = Symbol("asyncio-ts.waitClosed");
/** SocketTransport: refuse start_tls (already TLS, or becoming it); then upgrade in place. */
export const kCheckStartTls = Symbol("asyncio-ts.checkStartTls");
export const kStartTls = Symbol("asyncio-ts.startTls");
