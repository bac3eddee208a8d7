// @ts-check
/** The apps of Pocket OS. Modules load on first open, so the desktop boots with little code. */

/**
 * @typedef {Object} AppContext
 * @property {import('./window-manager.js').Win} win
 * @property {AbortSignal} signal aborts when the window closes
 * @property {(id: string, arg?: unknown) => void} open open another app
 * @property {(render: (scope: Scope) => void) => void} gate render only for a signed-in user (see desktop.js)
 */
/** @typedef {{ body: HTMLElement, signal: AbortSignal, user: import('./auth-store.js').User }} Scope */
/**
 * @typedef {Object} AppModule
 * @property {(body: HTMLElement, ctx: AppContext, arg?: unknown) => void | ((arg: unknown) => void)} mount
 */
/**
 * @typedef {Object} AppInfo
 * @property {string} id @property {string} title @property {string} glyph @property {number} hue
 * @property {number} [w] @property {number} [h] @property {boolean} [hidden] not on the desktop
 * @property {() => Promise<AppModule>} load
 */

/** @type {AppInfo[]} */
export const APPS = [
  {
    id: 'dashboard',
    title: 'Dashboard',
    glyph: 'Db',
    hue: 205,
    w: 780,
    h: 560,
    load: () => import('./apps/dashboard.js'),
  },
  {
    id: 'roadchain',
    title: 'RoadChain Explorer',
    glyph: 'RC',
    hue: 28,
    w: 820,
    h: 580,
    load: () => import('./apps/roadchain.js'),
  },
  { id: 'wallet', title: 'Wallet', glyph: 'Wa', hue: 145, w: 620, h: 600, load: () => import('./apps/wallet.js') },
  { id: 'miner', title: 'Miner', glyph: 'Mi', hue: 48, w: 680, h: 560, load: () => import('./apps/miner.js') },
  { id: 'mail', title: 'RoadMail', glyph: 'RM', hue: 188, w: 860, h: 580, load: () => import('./apps/roadmail.js') },
  { id: 'social', title: 'Social', glyph: 'So', hue: 322, w: 620, h: 620, load: () => import('./apps/social.js') },
  {
    id: 'stream',
    title: 'BlackStream',
    glyph: 'BS',
    hue: 350,
    w: 820,
    h: 600,
    load: () => import('./apps/blackstream.js'),
  },
  { id: 'files', title: 'Files', glyph: 'Fi', hue: 38, w: 820, h: 580, load: () => import('./apps/files.js') },
  {
    id: 'editor',
    title: 'Editor',
    glyph: '{}',
    hue: 170,
    w: 760,
    h: 580,
    hidden: true,
    load: () => import('./apps/editor.js'),
  },
  { id: 'chat', title: 'AI Chat', glyph: 'AI', hue: 262, w: 760, h: 560, load: () => import('./apps/ai-chat.js') },
  { id: 'agents', title: 'Agents', glyph: 'Ag', hue: 280, w: 760, h: 600, load: () => import('./apps/agents.js') },
  {
    id: 'workflows',
    title: 'Workflows',
    glyph: 'Wf',
    hue: 300,
    w: 760,
    h: 600,
    load: () => import('./apps/workflows.js'),
  },
  {
    id: 'capture',
    title: 'Chaos Inbox',
    glyph: 'CI',
    hue: 290,
    w: 620,
    h: 560,
    load: () => import('./apps/capture.js'),
  },
  { id: 'devices', title: 'Devices', glyph: 'Dv', hue: 168, w: 820, h: 640, load: () => import('./apps/devices.js') },
  { id: 'system', title: 'System', glyph: 'Sy', hue: 225, w: 640, h: 560, load: () => import('./apps/system.js') },
  {
    id: 'terminal',
    title: 'Terminal',
    glyph: '>_',
    hue: 100,
    w: 680,
    h: 440,
    load: () => import('./apps/terminal.js'),
  },
  { id: 'account', title: 'Account', glyph: '@', hue: 12, w: 440, h: 560, load: () => import('./apps/sign-in.js') },
];
