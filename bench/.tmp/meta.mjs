import { build } from "esbuild";
import { writeFileSync } from "node:fs";
const [,, entry, out] = process.argv;
const r = await build({ entryPoints:[entry], outfile: "/tmp/su/meta-out.js", bundle:true, format:"esm", platform:"neutral", target:"es2024", conditions:["workerd","worker","browser"], mainFields:["browser","module","main"], external:["node:*","cloudflare:*","crypto"], logLevel:"error", minify:true, metafile:true, nodePaths:["/work/wt/lead/node_modules"] });
writeFileSync(out, JSON.stringify(r.metafile));
