// `node --import tsx --import ./server/register.mjs server/main.ts`: see hooks.mjs.
import { register } from "node:module";

register("./hooks.mjs", import.meta.url);
