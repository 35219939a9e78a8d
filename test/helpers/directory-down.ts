/**
 * A Durable Object whose Directory is down, for one callback: its env's DIRECTORY is swapped for a
 * binding whose every `reportCron` fails, and put back afterwards (reports kept until the Directory
 * answers: src/platform/kept-report.ts).
 */
import type { Env } from "../../src/env";

const DOWN = {
  getByName: () => ({ reportCron: () => Promise.reject(new Error("directory down")) }),
} as unknown as Env["DIRECTORY"];

type WithEnv = { env: Env };

export async function withDirectoryDown<T>(instance: object, fn: () => Promise<T>): Promise<T> {
  const target = instance as WithEnv;
  const real = target.env;
  target.env = { ...real, DIRECTORY: DOWN };
  try {
    return await fn();
  } finally {
    target.env = real;
  }
}
