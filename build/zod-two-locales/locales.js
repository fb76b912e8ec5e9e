// The only zod locales Shanhai speaks (src/lib/form-errors.ts); see README.md here.
export { default as en } from "../../node_modules/zod/v4/locales/en.js";
export { default as zhCN } from "../../node_modules/zod/v4/locales/zh-CN.js";
