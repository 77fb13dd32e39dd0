// Boots the dashboard: who is signed in, the header, the live stream, and hash routing to the
// view modules (views/<name>.js, each {title, scope, mount(root, ctx, params) → unmount}).
import { createApi, signInUrl, ApiError } from './api.js'
import { createLive } from './live.js'
import { h, clear, logo, icon } from './lib/dom.js'
import { NAV, parseHash } from './lib/router.js'
import { createPendingApprovals } from './lib/pending-approvals.js'
import { showPendingGoals } from './lib/pending-goals.js'

const main = document.getElementById('app')

async function loadSession() {
  let response
  try {
    response = await fetch('/auth/session', { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } })
  } catch (e) {
    throw new ApiError(0, 'network', `The hub did not answer (${e.message}).`)
  }
  if (response.status === 401) {
    location.replace(signInUrl())
    return null
  }
  if (!response.ok) throw new ApiError(response.status, `http_${response.status}`, `GET /auth/session answered ${response.status}.`)
  return response.json()
}

// The nav's Approvals link carries the number of requests waiting for a person; on a phone,
// where the nav folds into the menu button, the button carries it too.
function showPendingCount(nav, menu, pending) {
  const a = nav.querySelector("a[href='#/approvals']")
  if (!a) return
  const badge = h('span', { class: 'nav-count', id: 'approvals-count', hidden: true })
  const menuBadge = h('span', { class: 'nav-count menu-count', hidden: true })
  a.appendChild(badge)
  menu.appendChild(menuBadge)
  pending.onChange((p) => {
    const text = p.count ? `${p.label()} approval request${p.count === 1 ? '' : 's'} waiting` : ''
    for (const b of [badge, menuBadge]) {
      b.textContent = p.label()
      b.hidden = p.count === 0
    }
    a.title = text
    menu.setAttribute('aria-label', text ? `Menu (${text})` : 'Menu')
  })
}

function buildHeader(api, live, pending) {
  document.getElementById('brand').prepend(logo())
  // The skip link focuses the page's content without touching the hash (the hash is the route).
  document.querySelector('.skip-link').addEventListener('click', (ev) => { ev.preventDefault(); main.focus() })
  const nav = document.getElementById('nav')
  for (const item of NAV) {
    if (!api.can(item.scope)) continue
    nav.appendChild(h('a', { href: item.href, dataset: { views: item.views.join(' ') } }, item.label))
  }
  const menu = document.getElementById('menu-button')
  menu.replaceChildren(icon('menu'))
  showPendingCount(nav, menu, pending)
  showPendingGoals({ api, live, nav })
  const closeMenu = () => { nav.classList.remove('open'); menu.setAttribute('aria-expanded', 'false') }
  menu.addEventListener('click', () => {
    const open = nav.classList.toggle('open')
    menu.setAttribute('aria-expanded', String(open))
  })
  nav.addEventListener('click', (ev) => { if (ev.target.closest('a')) closeMenu() })
  document.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') closeMenu() })
  document.addEventListener('click', (ev) => { if (!nav.contains(ev.target) && !menu.contains(ev.target)) closeMenu() })

  const s = api.session
  document.getElementById('whoami').append(
    h('span', { class: 'name', title: `Signed in as token ${s.name} (${s.token_id})` }, s.name),
    h('span', { class: 'scope', dataset: { scope: s.scope } }, s.scope))
  const signout = document.getElementById('signout')
  signout.hidden = false
  signout.addEventListener('click', async () => {
    signout.disabled = true
    try { await api.post('/auth/signout') } catch { /* signed out or gone either way */ }
    live.close()
    location.assign('/signin')
  })

  const badge = document.getElementById('live-state')
  const show = (state) => {
    badge.dataset.state = state
    const text = { live: 'Live', connecting: 'Connecting…', reconnecting: 'Reconnecting…' }[state] || state
    badge.textContent = text
    badge.title = state === 'live' ? `Receiving events${live.lastSeq !== null ? ` (last #${live.lastSeq})` : ''}` : 'The event stream is not connected; the page catches up when it is.'
  }
  show(live.state)
  live.onState(show)
}

function markNav(name) {
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.dataset.views.split(' ').includes(name)) a.setAttribute('aria-current', 'page')
    else a.removeAttribute('aria-current')
  }
}

function message(title, text) {
  return h('section', { class: 'view' }, h('div', { class: 'view-header' }, h('h1', null, title)), h('div', { class: 'notice' }, text))
}

function startRouter(ctx) {
  let unmount = null
  let generation = 0

  async function route() {
    const gen = ++generation
    const { name, params } = parseHash(location.hash)
    // A link followed from the nav or a page moves the focus to the new page (keyboard and
    // screen-reader users land on it); the first load leaves the focus alone.
    const active = document.activeElement
    const followed = !!active && active !== document.body && (main.contains(active) || document.getElementById('app-header').contains(active))
    if (unmount) {
      try { unmount() } catch (e) { console.error(e) }
      unmount = null
    }
    markNav(name)
    if (!name) {
      replaceMain(message('Not found', `No page at ${location.hash}.`))
      return
    }
    let view
    try {
      view = (await import(`./views/${name}.js`)).default
    } catch (e) {
      if (gen !== generation) return
      replaceMain(message('Not available', `The ${name} view could not be loaded (${e.message}).`))
      return
    }
    if (gen !== generation) return
    ctx.pending.setTitle(`${view.title} · Flotilla`)
    if (view.scope && !ctx.api.can(view.scope)) {
      replaceMain(message(view.title, `This page needs a token with scope '${view.scope}'; you are signed in as '${ctx.api.session.scope}'.`))
      return
    }
    const root = h('section', { class: 'view', dataset: { view: name } })
    replaceMain(root)
    try {
      unmount = view.mount(root, ctx, params) || null
    } catch (e) {
      console.error(e)
      root.appendChild(h('div', { class: 'notice error' }, `This page failed: ${e.message}`))
    }
    if (followed) main.focus({ preventScroll: true })
  }

  function replaceMain(node) {
    clear(main)
    main.appendChild(node)
    window.scrollTo(0, 0)
  }

  window.addEventListener('hashchange', route)
  route()
}

async function boot() {
  let session
  try {
    session = await loadSession()
  } catch (e) {
    clear(main).appendChild(h('div', { class: 'notice error' }, `${e.message} `,
      h('a', { href: location.href, onclick: () => location.reload() }, 'Try again')))
    return
  }
  if (!session) return
  const api = createApi(session)
  const live = createLive()
  const pending = createPendingApprovals({ api, live })
  buildHeader(api, live, pending)
  const navigate = (hash) => {
    const target = hash.startsWith('#') ? hash : `#${hash}`
    if (location.hash === target) window.dispatchEvent(new HashChangeEvent('hashchange'))
    else location.hash = target
  }
  startRouter({ api, live, navigate, pending })
}

boot()
