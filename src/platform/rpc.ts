/**
 * Typed access to Durable Objects over RPC.
 *
 * workers-types maps every RPC return type through a serializability check that turns
 * `unknown` members into `never` and gives up on recursive types, so stubs are used through
 * `Remote<T>`: the object's public methods, each returning a promise of what it returns.
 * What actually crosses the boundary is plain data. Each object's typed stub lives with its
 * owner (`coordinator()` in agents/coordinator/stub.ts, `directory()` in tenants/stub.ts, ...).
 */

type AnyMethod = (...args: never[]) => unknown;

export type Remote<T> = {
  [K in keyof T as T[K] extends AnyMethod ? K : never]: T[K] extends (...args: infer P) => infer R
    ? (...args: P) => Promise<Awaited<R>>
    : never;
};

export function remote<T>(stub: DurableObjectStub): Remote<T> {
  return stub as unknown as Remote<T>;
}
