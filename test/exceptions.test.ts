// Ports, by behaviour, CPython 3.13 Lib/test/test_exception_group.py (construction,
// ExceptionGroupSubgroupTests, ExceptionGroupSplitTests, NestedExceptionGroupSplitTest,
// NestedExceptionGroupSubclassSplitTest) for asyncio-ts's ExceptionGroup, plus the contract of
// the asyncio exception classes (Lib/asyncio/exceptions.py; shared/STYLE.md §5).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as asyncio from "../src/index.ts";

class ValueError extends Error {
  override name = "ValueError";
}
class OSError extends Error {
  override name = "OSError";
}
class SyntaxError_ extends Error {
  override name = "SyntaxError";
}

type Matcher = Parameters<asyncio.ExceptionGroup["split"]>[0];

/** A leaf of a template: the class and message the member must have. */
type Template = Error | Template[];

/** CPython's assertMatchesTemplate: the same nesting, classes and messages. */
function assertMatchesTemplate(exc: unknown, template: Template): void {
  if (Array.isArray(template)) {
    assert.ok(exc instanceof asyncio.ExceptionGroup, `expected a group, got ${String(exc)}`);
    assert.equal(exc.exceptions.length, template.length);
    template.forEach((t, i) => {
      assertMatchesTemplate(exc.exceptions[i], t);
    });
  } else {
    assert.equal((exc as object).constructor, template.constructor);
    assert.equal((exc as Error).message, template.message);
  }
}

const VE = (m: number): Error => new ValueError(String(m));
const TE = (m: string): Error => new TypeError(m);

/** CPython's create_simple_eg: ExceptionGroup('simple eg', [ValueError(1), TypeError(int), ValueError(2)]). */
function createSimpleEg(): asyncio.ExceptionGroup {
  return new asyncio.ExceptionGroup("simple eg", [VE(1), TE("int"), VE(2)]);
}
const simpleTemplate: Template = [VE(1), TE("int"), VE(2)];

describe("ExceptionGroup construction", () => {
  it("exception group types", () => {
    const eg = createSimpleEg();
    assert.ok(eg instanceof AggregateError);
    assert.ok(eg instanceof Error);
    assert.equal(eg.name, "ExceptionGroup");
    assert.equal(eg.code, "ERR_ASYNCIO_EXCEPTION_GROUP");
  });

  it("bad EG construction bad message", () => {
    for (const [bad, type] of [
      [42, "number"],
      [null, "null"],
    ] as const) {
      assert.throws(() => new asyncio.ExceptionGroup(bad as unknown as string, [new Error()]), {
        name: "TypeError",
        message: `BaseExceptionGroup.__new__() argument 1 must be str, not ${type}`,
      });
    }
  });

  it("bad EG construction bad excs sequence", () => {
    for (const bad of [42, null, undefined]) {
      assert.throws(() => new asyncio.ExceptionGroup("eg", bad as unknown as Error[]), {
        name: "TypeError",
        message: "second argument (exceptions) must be a sequence",
      });
    }
    assert.throws(() => new asyncio.ExceptionGroup("eg", []), {
      name: "RangeError",
      message: "second argument (exceptions) must be a non-empty sequence",
    });
  });

  it("basics ExceptionGroup fields", () => {
    const eg = createSimpleEg();
    assert.equal(eg.message, "simple eg");
    assertMatchesTemplate(eg, simpleTemplate);
    // AggregateError's errors hold the same members.
    assert.deepEqual(eg.errors, eg.exceptions);
    // Python's exceptions is a tuple: it cannot be changed.
    assert.ok(Object.isFrozen(eg.exceptions));
    assert.equal(String(eg), "simple eg (3 sub-exceptions)");
    assert.equal(String(new asyncio.ExceptionGroup("x", [new Error()])), "x (1 sub-exception)");
    const cause = new Error("cause");
    assert.equal(new asyncio.ExceptionGroup("x", [new Error()], { cause }).cause, cause);
  });

  it("takes any iterable of members", () => {
    function* gen(): Generator<Error> {
      yield VE(1);
      yield TE("int");
    }
    assertMatchesTemplate(new asyncio.ExceptionGroup("eg", gen()), [VE(1), TE("int")]);
  });
});

describe("ExceptionGroup subgroup", () => {
  it("basics subgroup split bad arg type", () => {
    class C {}
    const eg = createSimpleEg();
    const message =
      "expected an exception type, a tuple of exception types, or a callable (other than a class)";
    for (const arg of ["bad arg", C, new OSError("instance not type"), [OSError, 42], 42]) {
      assert.throws(() => eg.subgroup(arg as unknown as Matcher), {
        name: "TypeError",
        message,
      });
      assert.throws(() => eg.split(arg as unknown as Matcher), { name: "TypeError", message });
    }
  });

  it("basics subgroup by type passthrough", () => {
    const eg = createSimpleEg();
    assert.equal(eg.subgroup(Error), eg);
    assert.equal(eg.subgroup(AggregateError), eg);
    assert.equal(eg.subgroup(asyncio.ExceptionGroup), eg);
  });

  it("basics subgroup by type no match", () => {
    assert.equal(createSimpleEg().subgroup(OSError), null);
  });

  it("basics subgroup by type match", () => {
    const eg = createSimpleEg();
    const cases: [Matcher, Template][] = [
      [ValueError, [VE(1), VE(2)]],
      [TypeError, [TE("int")]],
      [[ValueError, TypeError], simpleTemplate],
    ];
    for (const [match, template] of cases) {
      const sub = eg.subgroup(match);
      assert.ok(sub !== null);
      assert.equal(sub.message, eg.message);
      assertMatchesTemplate(sub, template);
    }
  });

  it("basics subgroup by predicate passthrough", () => {
    const eg = createSimpleEg();
    const f = (): boolean => true;
    const obj = {
      method(): boolean {
        return true;
      },
    };
    for (const callable of [
      f,
      obj.method.bind(obj),
      function named(): boolean {
        return true;
      },
    ]) {
      assert.equal(eg.subgroup(callable), eg);
    }
  });

  it("basics subgroup by predicate no match", () => {
    assert.equal(
      createSimpleEg().subgroup(() => false),
      null,
    );
  });

  it("basics subgroup by predicate match", () => {
    const eg = createSimpleEg();
    const cases: [(e: unknown) => boolean, Template][] = [
      [(e) => e instanceof ValueError, [VE(1), VE(2)]],
      [(e) => e instanceof TypeError, [TE("int")]],
      [(e) => e instanceof ValueError || e instanceof TypeError, simpleTemplate],
    ];
    for (const [f, template] of cases) {
      const sub = eg.subgroup(f);
      assert.ok(sub !== null);
      assert.equal(sub.message, eg.message);
      assertMatchesTemplate(sub, template);
    }
  });

  it("the predicate sees the group itself and each nested group", () => {
    const inner = new asyncio.ExceptionGroup("inner", [VE(2)]);
    const eg = new asyncio.ExceptionGroup("outer", [VE(1), inner]);
    const seen: unknown[] = [];
    eg.subgroup((e) => {
      seen.push(e);
      return false;
    });
    assert.deepEqual(seen, [eg, eg.exceptions[0], inner, inner.exceptions[0]]);
  });
});

describe("ExceptionGroup split", () => {
  it("basics split by type passthrough", () => {
    const eg = createSimpleEg();
    for (const E of [Error, AggregateError, asyncio.ExceptionGroup]) {
      const [match, rest] = eg.split(E);
      assert.equal(match, eg);
      assertMatchesTemplate(match, simpleTemplate);
      assert.equal(rest, null);
    }
  });

  it("basics split by type no match", () => {
    const eg = createSimpleEg();
    const [match, rest] = eg.split(OSError);
    assert.equal(match, null);
    assertMatchesTemplate(rest, simpleTemplate);
    assert.notEqual(rest, eg);
  });

  it("basics split by type match", () => {
    const eg = createSimpleEg();
    const cases: [Matcher, Template, Template | null][] = [
      [ValueError, [VE(1), VE(2)], [TE("int")]],
      [TypeError, [TE("int")], [VE(1), VE(2)]],
      [[ValueError, TypeError], simpleTemplate, null],
      [[OSError, ValueError], [VE(1), VE(2)], [TE("int")]],
    ];
    for (const [matchType, matchTemplate, restTemplate] of cases) {
      const [match, rest] = eg.split(matchType);
      assert.equal(match?.message, eg.message);
      assertMatchesTemplate(match, matchTemplate);
      if (restTemplate === null) {
        assert.equal(rest, null);
      } else {
        assert.equal(rest?.message, eg.message);
        assertMatchesTemplate(rest, restTemplate);
      }
    }
  });

  it("basics split by predicate passthrough", () => {
    const [match, rest] = createSimpleEg().split(() => true);
    assertMatchesTemplate(match, simpleTemplate);
    assert.equal(rest, null);
  });

  it("basics split by predicate no match", () => {
    const [match, rest] = createSimpleEg().split(() => false);
    assert.equal(match, null);
    assertMatchesTemplate(rest, simpleTemplate);
  });

  it("basics split by predicate match", () => {
    const eg = createSimpleEg();
    const [match, rest] = eg.split((e) => e instanceof ValueError);
    assertMatchesTemplate(match, [VE(1), VE(2)]);
    assertMatchesTemplate(rest, [TE("int")]);
  });

  it("split by type", () => {
    // NestedExceptionGroupSplitTest.test_split_by_type: three levels, a subclass in the middle.
    class MyExceptionGroup extends asyncio.ExceptionGroup {}
    const level1 = (i: number): asyncio.ExceptionGroup =>
      new asyncio.ExceptionGroup("msg1", [VE(i), TE("int"), VE(i + 1)]);
    const level2 = (i: number): asyncio.ExceptionGroup =>
      new MyExceptionGroup("msg2", [level1(i), level1(i + 1), VE(i + 2)]);
    const eg = new asyncio.ExceptionGroup("msg3", [level2(6), VE(7)]);
    const egTemplate: Template = [[[VE(6), TE("int"), VE(7)], [VE(7), TE("int"), VE(8)], VE(8)], VE(7)];
    const valueErrorsTemplate: Template = [[[VE(6), VE(7)], [VE(7), VE(8)], VE(8)], VE(7)];
    const typeErrorsTemplate: Template = [[[TE("int")], [TE("int")]]];
    assertMatchesTemplate(eg, egTemplate);

    // Match nothing.
    let [match, rest] = eg.split(SyntaxError_);
    assert.equal(match, null);
    assertMatchesTemplate(rest, egTemplate);
    // Match everything.
    [match, rest] = eg.split(Error);
    assertMatchesTemplate(match, egTemplate);
    assert.equal(rest, null);
    [match, rest] = eg.split([ValueError, TypeError]);
    assertMatchesTemplate(match, egTemplate);
    assert.equal(rest, null);
    // Match ValueErrors.
    [match, rest] = eg.split(ValueError);
    assertMatchesTemplate(match, valueErrorsTemplate);
    assertMatchesTemplate(rest, typeErrorsTemplate);
    // Match TypeErrors.
    [match, rest] = eg.split([TypeError, SyntaxError_]);
    assertMatchesTemplate(match, typeErrorsTemplate);
    assertMatchesTemplate(rest, valueErrorsTemplate);
    // Match ExceptionGroup: the whole group.
    [match, rest] = eg.split(asyncio.ExceptionGroup);
    assert.equal(match, eg);
    assert.equal(rest, null);
    // Match MyExceptionGroup (an ExceptionGroup subclass): the nested group as a whole.
    [match, rest] = eg.split(MyExceptionGroup);
    assertMatchesTemplate(match, [egTemplate[0] as Template]);
    assertMatchesTemplate(rest, [egTemplate[1] as Template]);
    assert.equal(match?.exceptions[0], eg.exceptions[0]);
  });

  it("split copies cause and stack", () => {
    // CPython copies __cause__, __context__, __traceback__ and __notes__ onto the parts.
    const cause = new Error("cause");
    const eg = new asyncio.ExceptionGroup("eg", [VE(1), TE("int")], { cause });
    const [match, rest] = eg.split(ValueError);
    assert.ok(match !== null && rest !== null);
    assert.equal(match.cause, cause);
    assert.equal(rest.cause, cause);
    assert.equal(match.stack, eg.stack);
    assert.equal(eg.subgroup(TypeError)?.cause, cause);
    // derive() itself copies nothing.
    assert.equal(eg.derive([VE(3)]).cause, undefined);
    assert.equal(
      Object.hasOwn(new asyncio.ExceptionGroup("x", [VE(1)]).split(ValueError)[0] as object, "cause"),
      false,
    );
  });

  it("drive invalid return value", () => {
    class MyEg extends asyncio.ExceptionGroup {
      override derive(): asyncio.ExceptionGroup {
        return 42 as unknown as asyncio.ExceptionGroup;
      }
    }
    const eg = new MyEg("eg", [new TypeError("1"), VE(2)]);
    const message = "derive must return an instance of BaseExceptionGroup";
    assert.throws(() => eg.split(TypeError), { name: "TypeError", message });
    assert.throws(() => eg.subgroup(TypeError), { name: "TypeError", message });
  });

  it("split ExceptionGroup subclass no derive no new override", () => {
    class EG extends asyncio.ExceptionGroup {}
    const nested = new EG("nested", [new TypeError("2")]);
    const eg = new EG("eg", [VE(1), nested]);
    assertMatchesTemplate(eg, [VE(1), [new TypeError("2")]]);
    // The default derive() builds plain ExceptionGroups.
    let [match, rest] = eg.split(OSError);
    assert.equal(match, null);
    assert.equal(rest?.constructor, asyncio.ExceptionGroup);
    assertMatchesTemplate(rest, [VE(1), [new TypeError("2")]]);
    [match, rest] = eg.split([ValueError, TypeError]);
    assertMatchesTemplate(match, [VE(1), [new TypeError("2")]]);
    assert.equal(rest, null);
    [match, rest] = eg.split(ValueError);
    assertMatchesTemplate(match, [VE(1)]);
    assertMatchesTemplate(rest, [[new TypeError("2")]]);
    [match, rest] = eg.split(TypeError);
    assertMatchesTemplate(match, [[new TypeError("2")]]);
    assertMatchesTemplate(rest, [VE(1)]);
    assert.equal(match?.constructor, asyncio.ExceptionGroup);
    assert.equal(match.exceptions[0]?.constructor, asyncio.ExceptionGroup);
  });

  it("split ExceptionGroup subclass derive and new overrides", () => {
    class EG extends asyncio.ExceptionGroup {
      readonly code2: number;
      constructor(message: string, excs: Iterable<unknown>, code2: number) {
        super(message, excs);
        this.code2 = code2;
      }
      override derive(excs: Iterable<unknown>): EG {
        return new EG(this.message, excs, this.code2);
      }
    }
    const eg = new EG("eg", [VE(1), new EG("nested", [new TypeError("2")], 43)], 42);
    const [match, rest] = eg.split(ValueError);
    assert.ok(match instanceof EG);
    assert.ok(rest instanceof EG);
    assert.equal(match.code2, 42);
    assert.equal(rest.code2, 42);
    assert.equal((rest.exceptions[0] as EG).code2, 43);
  });
});

describe("asyncio exception classes", () => {
  const classes = [
    [asyncio.CancelledError, "ERR_ASYNCIO_CANCELLED"],
    [asyncio.TimeoutError, "ERR_ASYNCIO_TIMEOUT"],
    [asyncio.InvalidStateError, "ERR_ASYNCIO_INVALID_STATE"],
    [asyncio.RuntimeError, "ERR_ASYNCIO_RUNTIME"],
    [asyncio.KeyboardInterrupt, "ERR_ASYNCIO_KEYBOARD_INTERRUPT"],
    [asyncio.QueueEmpty, "ERR_ASYNCIO_QUEUE_EMPTY"],
    [asyncio.QueueFull, "ERR_ASYNCIO_QUEUE_FULL"],
    [asyncio.QueueShutDown, "ERR_ASYNCIO_QUEUE_SHUT_DOWN"],
    [asyncio.BrokenBarrierError, "ERR_ASYNCIO_BROKEN_BARRIER"],
    [asyncio.SendfileNotAvailableError, "ERR_ASYNCIO_SENDFILE_NOT_AVAILABLE"],
    [asyncio.NotImplementedError, "ERR_ASYNCIO_NOT_IMPLEMENTED"],
  ] as const;

  it("name is the Python class name, code is stable", () => {
    for (const [Cls, code] of classes) {
      const e = new Cls();
      assert.ok(e instanceof Error);
      assert.equal(e.name, Cls.name);
      assert.equal((e as { code: string }).code, code);
    }
  });

  it("BrokenBarrierError and SendfileNotAvailableError are RuntimeErrors", () => {
    assert.ok(new asyncio.BrokenBarrierError() instanceof asyncio.RuntimeError);
    assert.ok(new asyncio.SendfileNotAvailableError() instanceof asyncio.RuntimeError);
    assert.ok(new asyncio.NotImplementedError() instanceof asyncio.RuntimeError);
    assert.equal(new asyncio.RuntimeError() instanceof asyncio.BrokenBarrierError, false);
  });

  it("instanceof agrees across two copies of the package (Symbol.for brand)", () => {
    // What another installed copy's CancelledError looks like to this one: its own prototype
    // chain, the same registered brand.
    const foreign = Object.create(Error.prototype) as Record<symbol, unknown>;
    foreign[Symbol.for("asyncio-ts.CancelledError")] = true;
    assert.ok((foreign as unknown) instanceof asyncio.CancelledError);
    assert.equal((foreign as unknown) instanceof asyncio.TimeoutError, false);
    assert.equal(({} as unknown) instanceof asyncio.CancelledError, false);
    assert.equal((null as unknown) instanceof asyncio.CancelledError, false);
  });

  it("a user subclass uses the prototype chain", () => {
    class MyCancelled extends asyncio.CancelledError {}
    assert.ok(new MyCancelled() instanceof asyncio.CancelledError);
    assert.ok(new MyCancelled() instanceof MyCancelled);
    assert.equal(new asyncio.CancelledError() instanceof MyCancelled, false);
  });

  it("CancelledError args and message", () => {
    assert.deepEqual(new asyncio.CancelledError().args, []);
    assert.equal(new asyncio.CancelledError().message, "");
    assert.deepEqual(new asyncio.CancelledError("why").args, ["why"]);
    assert.equal(new asyncio.CancelledError("why").message, "why");
    assert.deepEqual(new asyncio.CancelledError(5).args, [5]);
    assert.equal(new asyncio.CancelledError(5).message, "5");
  });

  it("TimeoutError takes a cause", () => {
    const c = new asyncio.CancelledError();
    const e = new asyncio.TimeoutError("", { cause: c });
    assert.equal(e.cause, c);
    assert.equal(e.message, "");
  });

  it("IncompleteReadError and LimitOverrunError carry their fields", () => {
    const e = new asyncio.IncompleteReadError(new Uint8Array([1, 2]), 5);
    assert.equal(e.message, "2 bytes read on a total of 5 expected bytes");
    assert.deepEqual([...e.partial], [1, 2]);
    assert.equal(e.expected, 5);
    assert.equal(
      new asyncio.IncompleteReadError(new Uint8Array(0), null).message,
      "0 bytes read on a total of undefined expected bytes",
    );
    const l = new asyncio.LimitOverrunError("Separator is not found, and chunk exceed the limit", 7);
    assert.equal(l.consumed, 7);
    assert.equal(l.name, "LimitOverrunError");
  });
});
