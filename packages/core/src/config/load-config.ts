import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { CacheUsageError } from '../errors.js';
import type { CachesConfig } from './config-types.js';

/** `yaml`'s parser; `yaml` is an optional peer dependency, loaded on the first YAML file. */
type ParseYaml = (text: string) => unknown;

let parseYaml: ParseYaml | undefined;

function yamlParser(path: string): ParseYaml {
  if (parseYaml) return parseYaml;
  try {
    const yaml = createRequire(import.meta.url)('yaml') as { parse: ParseYaml };
    parseYaml = yaml.parse;
    return parseYaml;
  } catch {
    throw new CacheUsageError('reading a YAML config file needs the `yaml` package: npm install yaml', path);
  }
}

/**
 * Reads a {@link CachesConfig} from a `.json`, `.yaml` or `.yml` file (validated by
 * `createCaches`). YAML needs the optional peer dependency `yaml`.
 *
 * @example
 * ```ts
 * import { createCaches } from '@tagcache/core';
 * import { loadCachesConfig } from '@tagcache/core/config';
 * const caches = createCaches(loadCachesConfig('caches.yaml'));
 * ```
 */
export function loadCachesConfig(path: string): CachesConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CacheUsageError(`cannot read config file: ${(error as Error).message}`, path);
  }
  const parse = /\.ya?ml$/i.test(path) ? yamlParser(path) : JSON.parse;
  try {
    return parse(text) as CachesConfig;
  } catch (error) {
    throw new CacheUsageError(`cannot parse config file: ${(error as Error).message}`, path);
  }
}
