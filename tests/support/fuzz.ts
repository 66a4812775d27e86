/**
 * Shared pieces of the contract fuzzers: the run count, adversarial value
 * generators (prototype keys, deep nesting, huge and binary values, hostile
 * unicode) and the prototype-pollution check of the in-process server.
 */
import fc from 'fast-check';

/** Runs per property: small by default (the file stays fast), raised by `npm run fuzz`. */
export const FUZZ_RUNS = (() => {
  const raw = Number(process.env['FUZZ_RUNS'] ?? '');
  return Number.isInteger(raw) && raw > 0 ? raw : 0;
})();

/** The run count for one property: FUZZ_RUNS when set, else this file's small default. */
export function runs(defaultRuns: number): number {
  return FUZZ_RUNS || defaultRuns;
}

/** A fixed seed per property name, so every run of the suite sends the same cases. */
export function seedOf(name: string): number {
  let h = 0x811c9dc5;
  for (const ch of name) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h | 0;
}

/** Keys that reach prototypes when code copies objects naively. */
export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** An object with `key` as an own, enumerable property (JSON.stringify sends it as is). */
export function withOwnKey(
  target: Record<string, unknown>,
  key: string,
  value: unknown,
): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...target };
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** What a polluter would try to plant through a prototype key. */
export const pollutingValue = fc.constantFrom<unknown>(
  { polluted: 'yes', isAdmin: true, toString: 'x' },
  { prototype: { polluted: 'yes' } },
  'polluted',
  null,
  [1, 2, 3],
);

/**
 * `depth` levels of nesting, as objects or arrays: kept as this marker while
 * generated (fast-check prints it short) and built by `materialize` when sent.
 */
export class Deep {
  constructor(
    readonly depth: number,
    readonly asArray: boolean,
  ) {}
  /** As a value, at most `cap` levels deep (a JavaScript client cannot serialise much more). */
  build(cap = 1000): unknown {
    let v: unknown = 'leaf';
    for (let i = 0; i < Math.min(this.depth, cap); i += 1) v = this.asArray ? [v] : { a: v };
    return v;
  }
  /** As JSON text, at full depth. */
  text(): string {
    const [open, close] = this.asArray ? ['[', ']'] : ['{"a":', '}'];
    return `${open.repeat(this.depth)}"leaf"${close.repeat(this.depth)}`;
  }
  [fc.toStringMethod](): string {
    return `<${this.depth} nested ${this.asArray ? 'arrays' : 'objects'}>`;
  }
}

/** Whether the payload holds nesting deeper than a value can carry (send it as JSON text). */
export function hasDeep(v: unknown): boolean {
  if (v instanceof Deep) return true;
  if (Array.isArray(v)) return v.some(hasDeep);
  if (typeof v === 'object' && v !== null && !Buffer.isBuffer(v))
    return Object.values(v).some(hasDeep);
  return false;
}

/** The payload as JSON text, deep nesting at full depth; strings passed through `mapString`. */
export function jsonText(v: unknown, mapString: (s: string) => string = (s) => s): string {
  const deep: Deep[] = [];
  const marker = (i: number) => `\u0000DEEP${i}\u0000`;
  const prepared = materializeWith(v, mapString, (d) => marker(deep.push(d) - 1));
  return JSON.stringify(prepared).replace(/"\\u0000DEEP(\d+)\\u0000"/g, (_m, i: string) =>
    deep[Number(i)]!.text(),
  );
}

/**
 * The payload as it goes on the wire: markers built, strings passed through
 * `mapString`; keys (prototype keys included) kept as own properties.
 */
export function materialize(v: unknown, mapString: (s: string) => string = (s) => s): unknown {
  return materializeWith(v, mapString, (d) => d.build());
}

function materializeWith(
  v: unknown,
  mapString: (s: string) => string,
  deep: (d: Deep) => unknown,
): unknown {
  if (v instanceof Deep) return deep(v);
  if (typeof v === 'string') return mapString(v);
  if (Array.isArray(v)) return v.map((x) => materializeWith(x, mapString, deep));
  if (typeof v === 'object' && v !== null && !Buffer.isBuffer(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      Object.defineProperty(out, k, {
        value: materializeWith(x, mapString, deep),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return v;
}

/** Strings that break naive code: boundaries, unicode edge cases, control characters, huge. */
export const hostileString = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\ud800',
    '\udfff',
    '\u202e\u202d',
    '👨‍👩‍👧‍👦'.repeat(40),
    'ｓｅｓｓｉｏｎ',
    '../../etc/passwd',
    '%00%2e%2e',
    '<script>alert(1)</script>',
    '${process.exit()}',
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    'a'.repeat(64),
    'a'.repeat(65),
    '调'.repeat(2001),
  ),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.integer({ min: 1000, max: 60_000 }).map((n) => 'x'.repeat(n)),
);

/** Numbers at and beyond every boundary (NaN and infinities travel as null in JSON). */
export const hostileNumber = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    -1,
    1,
    3,
    4,
    127,
    128,
    255,
    256,
    2 ** 31,
    2 ** 32,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER + 2,
    1e308,
    -1e308,
    5e-324,
    Number.NaN,
    Number.POSITIVE_INFINITY,
  ),
  fc.double(),
  fc.integer(),
);

/** Values of the wrong type, including binary buffers (Socket.IO sends them as attachments). */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 3, withNullPrototype: true, withBigInt: false }),
  hostileString,
  hostileNumber,
  fc.uint8Array({ maxLength: 2048 }).map((a) => Buffer.from(a)),
  fc.integer({ min: 1000, max: 6000 }).map((n) => Array.from({ length: n }, (_, i) => i)),
  fc
    .tuple(fc.integer({ min: 50, max: 30_000 }), fc.boolean())
    // Under the 64 KiB message limit: 2 bytes a level as arrays, 6 as objects.
    .map(([depth, asArray]) => new Deep(asArray ? depth : Math.min(depth, 10_000), asArray)),
);

/**
 * Changes a valid payload into an adversarial one: a prototype key or an
 * unknown key (holding a hostile value: deep nesting, huge, binary, wrong
 * type) planted on the payload or on any object nested in it, a field
 * replaced by a value of the wrong type, or the whole payload replaced.
 */
export function corrupt(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const planted = fc
    .tuple(valid, fc.nat(), fc.constantFrom(...PROTO_KEYS), pollutingValue)
    .map(([v, at, key, value]) => plant(v, at, key, value));
  const extraKey = fc
    .tuple(
      valid,
      fc.nat(),
      fc.oneof(hostileString, fc.constantFrom('polluted', 'extra')),
      wrongValue,
    )
    .map(([v, at, key, value]) => plant(v, at, key.slice(0, 200), value));
  const replacedField = fc
    .tuple(valid, fc.nat(), wrongValue)
    .map(([v, i, value]) => replaceField(v, i, value));
  return fc.oneof(planted, extraKey, replacedField, wrongValue);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    !Buffer.isBuffer(v) &&
    !(v instanceof Deep)
  );
}

/** Every plain object in `v` (itself included), depth first, with a way to replace it. */
function objectsIn(
  v: unknown,
  replace: (next: unknown) => unknown,
  depth = 0,
): { object: Record<string, unknown>; replace: (next: unknown) => unknown }[] {
  if (depth > 6) return [];
  if (Array.isArray(v)) {
    return v.flatMap((item, i) =>
      objectsIn(item, (next) => replace(v.map((x, j) => (j === i ? next : x))), depth + 1),
    );
  }
  if (!isRecord(v)) return [];
  return [
    { object: v, replace },
    ...Object.entries(v).flatMap(([k, inner]) =>
      objectsIn(inner, (next) => replace({ ...v, [k]: next }), depth + 1),
    ),
  ];
}

/** Plants `key` on the `at`-th object found in the payload (or on a new object when there is none). */
function plant(v: unknown, at: number, key: string, value: unknown): unknown {
  const found = objectsIn(v, (next) => next);
  if (found.length === 0) return withOwnKey({}, key, value);
  const target = found[at % found.length]!;
  return target.replace(withOwnKey(target.object, key, value));
}

function replaceField(v: unknown, index: number, value: unknown): unknown {
  if (!isRecord(v)) return value;
  const keys = Object.keys(v);
  if (keys.length === 0) return { field: value };
  const key = keys[index % keys.length]!;
  return { ...v, [key]: value };
}

/** A snapshot of the built-in prototypes, to detect pollution of the (in-process) server. */
export interface PrototypeSnapshot {
  problems(): string[];
}

export function snapshotPrototypes(): PrototypeSnapshot {
  const targets: [string, object][] = [
    ['Object.prototype', Object.prototype],
    ['Array.prototype', Array.prototype],
    ['Function.prototype', Function.prototype],
    ['String.prototype', String.prototype],
  ];
  const before = targets.map(([name, proto]) => ({
    name,
    proto,
    descriptors: Object.getOwnPropertyDescriptors(proto),
  }));
  return {
    problems() {
      const out: string[] = [];
      const probe = {} as Record<string, unknown>;
      for (const key of ['polluted', 'isAdmin', 'prototype']) {
        if (probe[key] !== undefined) out.push(`({}).${key} is ${String(probe[key])}`);
      }
      for (const { name, proto, descriptors } of before) {
        const now = Object.getOwnPropertyDescriptors(proto);
        for (const key of Reflect.ownKeys(now)) {
          const was = (descriptors as Record<PropertyKey, PropertyDescriptor>)[key];
          const is = (now as Record<PropertyKey, PropertyDescriptor>)[key]!;
          if (!was) out.push(`${name} gained ${String(key)}`);
          else if (was.value !== is.value || was.get !== is.get || was.set !== is.set)
            out.push(`${name}.${String(key)} was replaced`);
        }
      }
      return out;
    },
  };
}
