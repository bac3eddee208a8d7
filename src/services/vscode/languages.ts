/**
 * The editor's language of a file, from its extension (VS Code language identifiers, which Monaco
 * and most editors understand). Unknown extensions are plain text.
 */
import { extensionOf } from "../files/names.ts";

export const LANGUAGES: Record<string, string> = {
  ts: "typescript",
  tsx: "typescriptreact",
  mts: "typescript",
  cts: "typescript",
  js: "javascript",
  jsx: "javascriptreact",
  mjs: "javascript",
  cjs: "javascript",
  json: "json",
  jsonc: "jsonc",
  md: "markdown",
  markdown: "markdown",
  html: "html",
  htm: "html",
  css: "css",
  scss: "scss",
  less: "less",
  xml: "xml",
  svg: "xml",
  py: "python",
  rb: "ruby",
  rs: "rust",
  go: "go",
  java: "java",
  kt: "kotlin",
  c: "c",
  h: "c",
  cpp: "cpp",
  hpp: "cpp",
  cc: "cpp",
  cs: "csharp",
  php: "php",
  swift: "swift",
  sh: "shellscript",
  bash: "shellscript",
  zsh: "shellscript",
  ps1: "powershell",
  sql: "sql",
  yaml: "yaml",
  yml: "yaml",
  toml: "toml",
  ini: "ini",
  csv: "csv",
  txt: "plaintext",
  log: "log",
  dockerfile: "dockerfile",
  lua: "lua",
  r: "r",
  dart: "dart",
  vue: "vue",
};

export function languageOf(name: string): string {
  if (name.toLowerCase() === "dockerfile") return "dockerfile";
  if (name.toLowerCase() === "makefile") return "makefile";
  return LANGUAGES[extensionOf(name)] ?? "plaintext";
}
