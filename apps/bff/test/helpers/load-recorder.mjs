// A Node module hook (node:module register) that appends every specifier the process imports to
// the file in $LOAD_RECORD: tests use it to prove an optional module was never loaded.
import { appendFileSync } from "node:fs";

export async function resolve(specifier, context, nextResolve) {
  if (process.env.LOAD_RECORD) appendFileSync(process.env.LOAD_RECORD, `${specifier}\n`);
  return nextResolve(specifier, context);
}
