// The "c3" floor (issue 14, ../shared/perf-floor/c3-thenable-als1-serial.ts): the cheapest design
// that keeps asyncio-ts's semantics on V8, i.e. CPython's order (one task step at a time, a ready
// queue run in FIFO order) and cancellation at the await point when the task awaits something
// foreign. A thenable Future whose then() reads the current task from AsyncLocalStorage, and ONE
// AsyncLocalStorage frame per task, entered once with enterWith() inside a bare AsyncResource scope.
// No names, no debug mode, no loop API, no done callbacks, no introspection: a floor, not a library.
import { AsyncLocalStorage, AsyncResource } from "node:async_hooks";

class FloorCancelled extends Error {}

type Reaction = ((value: unknown) => void) | null;

// ---- the ready queue: one step at a time -------------------------------------------------------

const queue: (C3Task | undefined)[] = [];
let head = 0;
let scheduled = false;
let stepping = false;
// Node's queueMicrotask() allocates an AsyncResource per call; a resolved promise's then() does not.
const RESOLVED = Promise.resolve();

function push(task: C3Task): void {
  queue.push(task);
  if (!scheduled && !stepping) {
    scheduled = true;
    void RESOLVED.then(drain);
  }
}

function drain(): void {
  scheduled = false;
  runNext();
}

function runNext(): void {
  while (head < queue.length) {
    const task = queue[head] as C3Task;
    queue[head++] = undefined;
    stepping = true; // a push() from inside the step must not start another drain
    if (task.run()) return; // a step started: stepEnded() goes on
    stepping = false;
  }
  queue.length = 0;
  head = 0;
}

/** The running step suspended or finished: go on with the queue. */
function stepEnded(): void {
  stepping = false;
  runNext();
}

// ---- Future and Task ----------------------------------------------------------------------------

const storage = new AsyncLocalStorage<C3Task>();
const bare = new AsyncResource("c3-task"); // made with no frame current

export class C3Future {
  state = 0;
  value: unknown = undefined;
  task: C3Task | null = null;

  then(onFulfilled: (value: unknown) => void, onRejected: (error: unknown) => void): void {
    if (this.state !== 0) {
      if (this.state === 1) onFulfilled(this.value);
      else onRejected(this.value);
      return;
    }
    const task = storage.getStore() as C3Task;
    this.task = task;
    task.waiting = this;
    task.res = onFulfilled;
    task.rej = onRejected;
    if (task.mustCancel) {
      task.mustCancel = false;
      this.cancel();
    }
    stepEnded();
  }

  wake(): void {
    const task = this.task;
    if (task !== null) {
      this.task = null;
      push(task);
    }
  }

  setResult(value: unknown): void {
    if (this.state !== 0) throw new Error("invalid state");
    this.state = 1;
    this.value = value;
    this.wake();
  }

  cancel(): boolean {
    if (this.state !== 0) return false;
    this.state = 2;
    this.value = new FloorCancelled();
    this.wake();
    return true;
  }
}

const YIELD = {
  then(onFulfilled: (value: unknown) => void, onRejected: (error: unknown) => void): void {
    const task = storage.getStore() as C3Task;
    task.waiting = null;
    task.res = onFulfilled;
    task.rej = onRejected;
    push(task);
    stepEnded();
  },
};

/** `sleep(0)` of the floor: resumes after the tasks already ready. */
export const sleep0 = (): PromiseLike<void> => YIELD as unknown as PromiseLike<void>;

// Registered inside the task's frame: the store is the task, so no closure per task.
function finish(value: unknown): void {
  const task = storage.getStore() as C3Task;
  task.state = 1;
  task.value = value;
  task.wake();
  stepEnded();
}

function fail(error: unknown): void {
  const task = storage.getStore() as C3Task;
  task.state = 2;
  task.value = error;
  task.wake();
  stepEnded();
}

function enter(task: C3Task, fn: () => Promise<unknown>): void {
  storage.enterWith(task);
  fn().then(finish, fail);
}

export class C3Task extends C3Future {
  fn: (() => Promise<unknown>) | null;
  waiting: C3Future | null = null;
  res: Reaction = null;
  rej: Reaction = null;
  mustCancel = false;

  constructor(fn: () => Promise<unknown>) {
    super();
    this.fn = fn;
    push(this);
  }

  run(): boolean {
    if (this.state !== 0) return false;
    const fn = this.fn;
    if (fn !== null) {
      this.fn = null;
      bare.runInAsyncScope(enter, null, this, fn);
      return true;
    }
    const fut = this.waiting;
    const res = this.res as (value: unknown) => void;
    const rej = this.rej as (error: unknown) => void;
    this.waiting = null;
    this.res = this.rej = null;
    if (this.mustCancel) {
      this.mustCancel = false;
      rej(new FloorCancelled());
    } else if (fut === null || fut.state === 1) res(fut === null ? undefined : fut.value);
    else rej(fut.value);
    return true;
  }

  override cancel(): boolean {
    if (this.state !== 0) return false;
    if (this.waiting?.cancel() === true) return true;
    this.mustCancel = true;
    return true;
  }
}

/** Run `main` as the floor's first task; resolves with what it returns. */
export function runFloor<T>(main: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    new C3Task(() => main().then(resolve, reject));
  });
}
