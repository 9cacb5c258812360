import { behaviourSuite } from './behaviour-suite.js';
import { expressApp, koaApp } from './support/apps.js';
import { backendVariants } from './support/backends.js';

for (const backend of backendVariants()) {
  behaviourSuite('express', expressApp, backend);
  behaviourSuite('koa', koaApp, backend);
}
