// @ts-check
/** BlackStream: browse videos (category, sort), play a video's URL in <video>, like / dislike, add a video by URL. */

import { api } from '../api-client.js';
import { ago, asList, fill, h, safeUrl } from '../dom.js';
import { busy, empty, errorBox, field, formErrors, kv, loading, showError } from '../ui.js';

const CATEGORIES = ['', 'music', 'gaming', 'education', 'tech', 'news', 'sports', 'entertainment', 'other'];

/** @param {number | null | undefined} n */
const views = (n) => `${n ?? 0} ${n === 1 ? 'view' : 'views'}`;
/** @param {number | null | undefined} s */
const dur = (s) => (s ? `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}` : '');

/** @param {HTMLElement} _body @param {import('../app-registry.js').AppContext} ctx */
export function mount(_body, ctx) {
  ctx.gate(({ body, signal }) => {
    const main = h('div', { class: 'stack' });
    const cat = h(
      'select',
      { name: 'category', 'aria-label': 'Category' },
      CATEGORIES.map((c) => h('option', { value: c }, c ? c.charAt(0).toUpperCase() + c.slice(1) : 'All categories')),
    );
    const sort = h(
      'select',
      { name: 'sort', 'aria-label': 'Sort by' },
      h('option', { value: 'newest' }, 'Newest'),
      h('option', { value: 'most_viewed' }, 'Most viewed'),
    );
    const addBtn = h('button', { type: 'button', class: 'btn', onclick: () => add() }, 'Add video');
    const bar = h('div', { class: 'row' }, cat, sort, h('span', { class: 'grow' }), addBtn);
    body.append(h('div', { class: 'pad stack' }, bar, main));
    cat.onchange = sort.onchange = () => void browse();
    // The view on screen (list, player or form): an answer for a view the user has left is dropped.
    let view = 0;

    async function browse() {
      const current = ++view;
      bar.hidden = false;
      fill(main, loading('Loading videos…'));
      const qs = new URLSearchParams({ limit: '40', sort: sort.value });
      if (cat.value) qs.set('category', cat.value);
      try {
        const list = asList(await api(`/api/video?${qs}`, { signal }), 'videos');
        if (current !== view) return;
        fill(
          main,
          list.length
            ? h(
                'ul',
                { class: 'video-grid' },
                list.map((v) => {
                  const thumb = safeUrl(v.thumbnail_url);
                  return h(
                    'li',
                    null,
                    h(
                      'button',
                      { type: 'button', class: 'video-card', onclick: () => play(v.id) },
                      h(
                        'span',
                        { class: 'thumb' },
                        thumb
                          ? h('img', { src: thumb, alt: '', loading: 'lazy', referrerpolicy: 'no-referrer' })
                          : h('span', { class: 'thumb-ph', 'aria-hidden': 'true' }, '▶'),
                        v.duration ? h('span', { class: 'dur' }, dur(v.duration)) : null,
                      ),
                      h('strong', null, v.title ?? 'Untitled'),
                      h(
                        'span',
                        { class: 'muted' },
                        `${v.username ?? ''} · ${views(v.views_count)} · ${ago(v.created_at)}`,
                      ),
                    ),
                  );
                }),
              )
            : empty(
                'No videos here yet.',
                h('button', { type: 'button', class: 'btn primary', onclick: () => add() }, 'Add the first video'),
              ),
        );
      } catch (e) {
        if (current === view) showError(main, e, browse);
      }
    }

    const back = () => h('button', { type: 'button', class: 'btn small', onclick: browse }, '← All videos');

    /** @param {string | number} id */
    async function play(id) {
      const current = ++view;
      bar.hidden = true;
      fill(main, back(), loading('Loading video…'));
      try {
        const v = await api(`/api/video/${encodeURIComponent(id)}`, { signal });
        if (current !== view) return;
        const src = safeUrl(v.video_url);
        const note = h('div', { 'aria-live': 'polite' });
        const video = src
          ? h('video', {
              src,
              controls: true,
              preload: 'metadata',
              playsinline: true,
              poster: safeUrl(v.thumbnail_url),
              class: 'player',
            })
          : null;
        video?.addEventListener('error', () =>
          fill(
            note,
            h(
              'p',
              { class: 'msg warn' },
              "This video can't be played here: its address may be unreachable or in a format the browser does not support.",
            ),
          ),
        );
        const like = h('button', { type: 'button', class: 'btn small' });
        const dislike = h('button', { type: 'button', class: 'btn small' });
        // My reaction: true like, false dislike, null none (the API says is_liked / is_disliked).
        /** @type {boolean | null} */ let mine = v.is_liked ? true : v.is_disliked ? false : null;
        /** @param {any} r */
        const show = (r) => {
          if (r && 'liked' in r) mine = r.liked;
          v.likes_count = r?.likes_count ?? v.likes_count ?? 0;
          v.dislikes_count = r?.dislikes_count ?? v.dislikes_count ?? 0;
          like.textContent = `▲ Like ${v.likes_count}`;
          dislike.textContent = `▼ Dislike ${v.dislikes_count}`;
          like.setAttribute('aria-pressed', String(mine === true));
          dislike.setAttribute('aria-pressed', String(mine === false));
        };
        /** @param {boolean} isLike */
        const react = (isLike) => async () => {
          try {
            show(await api(`/api/video/${encodeURIComponent(id)}/like?is_like=${isLike}`, { method: 'POST', signal }));
          } catch (e) {
            showError(note, e);
          }
        };
        like.onclick = () => busy(like, react(true));
        dislike.onclick = () => busy(dislike, react(false));
        show(null);
        fill(
          main,
          back(),
          video ?? h('p', { class: 'msg warn' }, 'This video has no playable address.'),
          note,
          h('h3', null, v.title ?? 'Untitled'),
          h(
            'div',
            { class: 'row' },
            like,
            dislike,
            h('span', { class: 'muted' }, `${views(v.views_count)} · ${v.username ?? ''}`),
          ),
          v.description && h('p', { class: 'pre' }, v.description),
          kv(
            v,
            ['category', 'tags', 'duration', 'created_at'],
            Object.keys(v).filter((k) => !['category', 'tags', 'duration', 'created_at'].includes(k)),
          ),
        );
      } catch (e) {
        if (current === view) fill(main, back(), errorBox(e));
      }
    }

    function add() {
      ++view;
      bar.hidden = true;
      const out = h('div');
      const save = h('button', { type: 'submit', class: 'btn primary' }, 'Publish');
      const form = h(
        'form',
        { id: 'video', class: 'stack' },
        h('h3', null, 'Add a video by URL'),
        field('Title', h('input', { name: 'title', required: true, maxlength: '200' })),
        field(
          'Video URL',
          h('input', { name: 'video_url', type: 'url', required: true, placeholder: 'https://…/video.mp4' }),
          'A direct link to an MP4 or WebM file',
        ),
        field('Thumbnail URL (optional)', h('input', { name: 'thumbnail_url', type: 'url' })),
        field(
          'Category',
          h(
            'select',
            { name: 'category' },
            CATEGORIES.slice(1).map((c) => h('option', { value: c }, c)),
          ),
        ),
        field('Description (optional)', h('textarea', { name: 'description', rows: '3' })),
        out,
        h('div', { class: 'row end' }, h('button', { type: 'button', class: 'btn', onclick: browse }, 'Cancel'), save),
      );
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        const d = Object.fromEntries(
          [...new FormData(form)].map(([k, v]) => [k, String(v).trim()]).filter(([, v]) => v),
        );
        void busy(save, async () => {
          try {
            const v = await api('/api/video', { signal, body: d });
            void play(v.id);
          } catch (err) {
            formErrors(form, err, out);
          }
        });
      });
      fill(main, form);
    }

    void browse();
  });
}
