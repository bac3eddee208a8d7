import { build } from "esbuild";
for (const [entry, out] of [["/work/wt/lead/bench/floor-worker.ts","/tmp/su/floor.js"],["/work/wt/lead/bench/.tmp/floorz.ts","/tmp/su/floorz.js"]])
await build({ entryPoints:[entry], outfile: out, bundle:true, format:"esm", platform:"neutral", target:"es2024", conditions:["workerd","worker","browser"], mainFields:["browser","module","main"], external:["node:*","cloudflare:*","crypto"], logLevel:"error", nodePaths:["/work/wt/lead/node_modules"], minify:true });
