// @ts-check
/** Social: feed (following / everyone), post, like, comments, author profiles with follow. */

import { api } from '../api-client.js';
import { ago, asList, fill, fmtTime, h, safeUrl } from '../dom.js';
import { busy, empty, errorBox, field, formErrors, kv, loading, showError, tabs } from '../ui.js';

const PAGE = 20;

/** @param {HTMLElement} _body @param {import('../app-registry.js').AppContext} ctx */
export function mount(_body, ctx) {
  ctx.gate(({ body, signal, user }) => {
    let scope = 'following';
    let offset = 0;
    const feed = h('div', { class: 'stack', 'aria-live': 'polite' });
    const more = h(
      'button',
      { type: 'button', class: 'btn small', hidden: true, onclick: () => busy(more, () => load(false)) },
      'Load more',
    );
    const main = h('div', { class: 'stack' });
    const out = h('div');
    const post = h('button', { type: 'submit', class: 'btn primary' }, 'Post');
    const form = h(
      'form',
      { id: 'post', class: 'card stack' },
      field(
        'What is happening on the road?',
        h('textarea', { name: 'content', rows: '3', required: true, maxlength: '5000' }),
      ),
      h(
        'details',
        null,
        h('summary', { class: 'muted' }, 'Add an image link'),
        field('Image URL', h('input', { name: 'image_url', type: 'url', placeholder: 'https://…' })),
      ),
      out,
      h('div', { class: 'row end' }, post),
    );
    const feedView = h(
      'div',
      { class: 'stack' },
      form,
      tabs(
        [
          { id: 'following', label: 'Following' },
          { id: 'public', label: 'Everyone' },
        ],
        scope,
        (id) => {
          scope = id;
          void load(true);
        },
      ),
      feed,
      more,
    );
    body.append(h('div', { class: 'pad' }, main));
    fill(main, feedView);

    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const d = new FormData(form);
      const image = String(d.get('image_url')).trim();
      void busy(post, async () => {
        out.replaceChildren();
        try {
          const p = await api('/api/social/posts', {
            signal,
            body: { content: String(d.get('content')), ...(image ? { image_url: image } : {}) },
          });
          form.reset();
          feed.querySelector('.empty')?.remove();
          feed.prepend(card(p));
        } catch (err) {
          formErrors(form, err, out);
        }
      });
    });

    /** @param {boolean} reset */
    async function load(reset) {
      if (reset) {
        offset = 0;
        fill(feed, loading('Loading feed…'));
      }
      try {
        const list = asList(
          await api(`/api/social/feed?limit=${PAGE}&offset=${offset}${scope === 'public' ? '&scope=public' : ''}`, {
            signal,
          }),
          'posts',
        );
        if (reset) feed.replaceChildren();
        // Following nobody who has posted: the API fills the feed with everyone's public posts, labelled.
        if (!offset && scope === 'following' && list.some((p) => p.feed_reason === 'public')) {
          feed.append(
            h(
              'p',
              { class: 'card muted', role: 'note' },
              "You follow nobody who has posted yet, so this is everyone's public feed. Follow people to make this feed yours.",
            ),
          );
        }
        offset += list.length;
        feed.append(...list.map(card));
        if (!offset)
          feed.append(
            empty(
              scope === 'public'
                ? 'Nobody has posted yet. Be the first!'
                : 'Your feed is empty. Post something, or follow people from the Everyone tab.',
            ),
          );
        more.hidden = list.length < PAGE;
      } catch (e) {
        reset ? showError(feed, e, () => load(true)) : feed.append(errorBox(e));
      }
    }

    /** @param {any} p */
    function card(p) {
      const likeBtn = h('button', { type: 'button', class: 'btn small', 'aria-pressed': String(Boolean(p.is_liked)) });
      const setLike = (/** @type {boolean} */ on, /** @type {number} */ n) => {
        p.is_liked = on;
        p.likes_count = n;
        likeBtn.setAttribute('aria-pressed', String(on));
        // The heart is decoration; the name is the visible count plus "likes", the state is aria-pressed.
        likeBtn.replaceChildren(
          h('span', { 'aria-hidden': 'true' }, '♥ '),
          String(n),
          h('span', { class: 'sr-only' }, ' likes'),
        );
        likeBtn.title = on ? 'Unlike' : 'Like';
      };
      setLike(Boolean(p.is_liked), Number(p.likes_count ?? 0));
      likeBtn.onclick = () =>
        busy(likeBtn, async () => {
          const on = !p.is_liked;
          try {
            const r = await api(`/api/social/posts/${p.id}/like`, { method: on ? 'POST' : 'DELETE', signal });
            setLike(r?.liked ?? on, Number(r?.likes_count ?? p.likes_count + (on ? 1 : -1)));
          } catch (e) {
            showError(err, e);
          }
        });
      const err = h('div');
      const comments = h('div', { class: 'stack comments', hidden: true });
      const cBtn = h(
        'button',
        { type: 'button', class: 'btn small', 'aria-expanded': 'false', onclick: () => toggleComments() },
        `Comments ${p.comments_count ?? 0}`,
      );
      async function toggleComments() {
        const open = comments.hidden;
        comments.hidden = !open;
        cBtn.setAttribute('aria-expanded', String(open));
        if (open) await loadComments();
      }
      async function loadComments() {
        fill(comments, loading());
        try {
          const list = asList(await api(`/api/social/posts/${p.id}/comments?limit=50`, { signal }), 'comments');
          const cout = h('div');
          const cSend = h('button', { type: 'submit', class: 'btn small' }, 'Comment');
          const input = h('input', {
            name: 'content',
            required: true,
            maxlength: '2000',
            'aria-label': 'Write a comment',
            placeholder: 'Write a comment…',
          });
          const cf = h('form', { class: 'row' }, h('div', { class: 'grow' }, input), cSend);
          cf.addEventListener('submit', (e) => {
            e.preventDefault();
            void busy(cSend, async () => {
              try {
                await api(`/api/social/posts/${p.id}/comments`, { signal, body: { content: input.value } });
                p.comments_count = Number(p.comments_count ?? 0) + 1;
                cBtn.textContent = `Comments ${p.comments_count}`;
                await loadComments();
              } catch (e2) {
                formErrors(cf, e2, cout);
              }
            });
          });
          fill(
            comments,
            list.map((c) =>
              h(
                'div',
                { class: 'comment' },
                h('strong', null, c.username ?? 'someone'),
                ' ',
                h('span', { class: 'muted' }, ago(c.created_at)),
                h('p', { class: 'pre' }, c.content),
              ),
            ),
            cf,
            cout,
          );
        } catch (e) {
          showError(comments, e, loadComments);
        }
      }
      const img = safeUrl(p.image_url);
      return h(
        'article',
        { class: 'card stack post' },
        h(
          'div',
          { class: 'spread' },
          h(
            'button',
            { type: 'button', class: 'btn link', onclick: () => profile(p.user_id) },
            p.username ?? 'someone',
          ),
          h(
            'span',
            { class: 'muted', title: fmtTime(p.created_at) },
            scope === 'following' && p.feed_reason === 'public' ? 'Public feed · ' : '',
            ago(p.created_at),
          ),
        ),
        h('p', { class: 'pre' }, p.content ?? ''),
        img &&
          h('img', {
            src: img,
            alt: `Image posted by ${p.username ?? 'a user'}`,
            loading: 'lazy',
            referrerpolicy: 'no-referrer',
            class: 'post-img',
          }),
        h('div', { class: 'row' }, likeBtn, cBtn),
        err,
        comments,
      );
    }

    /** @param {string | number} id */
    async function profile(id) {
      const back = h('button', { type: 'button', class: 'btn small', onclick: () => fill(main, feedView) }, '← Feed');
      fill(main, back, loading('Loading profile…'));
      try {
        const u = await api(`/api/social/users/${encodeURIComponent(id)}`, { signal });
        const mine = String(u.id ?? id) === String(user.id);
        const follow = h('button', { type: 'button', class: 'btn primary', hidden: mine });
        const fout = h('div');
        let following = Boolean(u.is_following);
        const label = () => {
          follow.textContent = following ? 'Unfollow' : 'Follow';
          follow.className = `btn ${following ? '' : 'primary'}`;
        };
        label();
        follow.onclick = () =>
          busy(follow, async () => {
            try {
              const r = await api(`/api/social/users/${encodeURIComponent(id)}/follow`, {
                method: following ? 'DELETE' : 'POST',
                signal,
              });
              following = r?.following ?? !following;
              label();
              fill(
                fout,
                h(
                  'p',
                  { class: 'msg ok' },
                  following ? `You now follow ${u.username}.` : `You unfollowed ${u.username}.`,
                ),
              );
            } catch (e) {
              showError(fout, e);
            }
          });
        fill(
          main,
          back,
          h(
            'div',
            { class: 'card stack' },
            h('div', { class: 'spread' }, h('h3', null, u.full_name || u.username), follow),
            u.bio && h('p', { class: 'pre' }, u.bio),
            kv(
              u,
              ['username', 'followers_count', 'following_count', 'posts_count', 'created_at'],
              ['id', 'full_name', 'bio', 'avatar_url', 'is_following', 'email'],
            ),
            fout,
          ),
        );
      } catch (e) {
        fill(main, back, errorBox(e));
      }
    }

    void load(true);
  });
}
