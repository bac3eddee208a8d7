import { build } from "esbuild";
const [,, ...pairs] = process.argv;
for (let i = 0; i < pairs.length; i += 2)
  await build({ entryPoints:[pairs[i]], outfile: pairs[i+1], bundle:true, format:"esm", platform:"neutral", target:"es2024", conditions:["workerd","worker","browser"], mainFields:["browser","module","main"], external:["node:*","cloudflare:*","crypto"], logLevel:"error", minify:true, sourcemap:true, nodePaths:["/work/wt/lead/node_modules"], define: { "process.env.NODE_ENV": '"production"' } });
