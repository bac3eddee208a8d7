// @ts-check
/** uPlot (served from /vendor/uplot, copied from node_modules by the build), loaded on first use. */
import { h } from './dom.js';

/** @type {Promise<any> | null} */ let uPlotLoading = null;

/** uPlot's constructor (a script tag: it ships as an IIFE that defines window.uPlot). */
export function loadUPlot() {
  uPlotLoading ??= new Promise((resolve, reject) => {
    const css = h('link', { rel: 'stylesheet', href: '/vendor/uplot/uPlot.min.css' });
    const js = h('script', { src: '/vendor/uplot/uPlot.iife.min.js' });
    js.addEventListener('load', () => resolve(/** @type {any} */ (window).uPlot));
    js.addEventListener('error', () => {
      uPlotLoading = null;
      reject(new Error('The chart library could not be loaded'));
    });
    document.head.append(css, js);
  });
  return uPlotLoading;
}
