/**
 * What both package builds (build-lib.mjs, build-emulator.mjs) do to the declarations tsc emitted:
 * the sources import `./sdk`, which bundlers resolve; Node's ESM resolution (TypeScript's
 * `node16`/`nodenext`) needs `./sdk.js` or `./dir/index.js` in published declarations.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}

export function withExtensions(code, dir) {
  return code.replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]+)\2/g, (match, prefix, quote, specifier) => {
    if (/\.(?:js|cjs|mjs)$/.test(specifier)) return match;
    const target = resolve(dir, specifier);
    const path = existsSync(`${target}.d.ts`) ? `${specifier}.js` : existsSync(join(target, 'index.d.ts')) ? `${specifier}/index.js` : undefined;
    if (!path) throw new Error(`declarations: cannot resolve ${specifier} from ${dir}`);
    return `${prefix}${quote}${path}${quote}`;
  });
}

/** Adds the extensions to every `.d.ts` below `dir`. */
export function addDeclarationExtensions(dir) {
  for (const file of walk(dir)) {
    if (file.endsWith('.d.ts')) writeFileSync(file, withExtensions(readFileSync(file, 'utf8'), dirname(file)));
  }
}
