// zod's own entry (node_modules/zod/index.js), over a namespace that carries two locales instead of all.
import * as z from "./external.js";
export * from "./external.js";
export { z, z as default };
