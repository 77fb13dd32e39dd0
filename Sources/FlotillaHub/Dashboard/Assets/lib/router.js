// Hash routes → view modules. '#/agents/a%2F1?x=1' → {name: 'agent', id: 'a/1', query}.

// [pattern, view module name]; ':id' is one encoded path segment.
export const ROUTES = [
  ['', 'overview'],
  ['agents', 'agents'],
  ['agents/:id', 'agent'],
  ['tasks', 'tasks'],
  ['tasks/:id', 'task'],
  ['submit', 'submit'],
  ['graph', 'graph'],
  ['events', 'events'],
  ['dead', 'dead'],
  ['workflows', 'workflows'],
  ['workflows/:id', 'workflow'],
  ['runs/:id', 'run'],
  ['costs', 'costs'],
  ['approvals', 'approvals'],
  ['notifications', 'notifications'],
  ['goals', 'goals'],
  ['goals/:id', 'goal'],
]

// The header's links, in order, with the least scope that sees them.
export const NAV = [
  { href: '#/', label: 'Overview', views: ['overview'], scope: 'viewer' },
  { href: '#/agents', label: 'Agents', views: ['agents', 'agent'], scope: 'viewer' },
  { href: '#/tasks', label: 'Tasks', views: ['tasks', 'task'], scope: 'viewer' },
  { href: '#/graph', label: 'Graph', views: ['graph'], scope: 'viewer' },
  { href: '#/workflows', label: 'Workflows', views: ['workflows', 'workflow', 'run'], scope: 'viewer' },
  { href: '#/goals', label: 'Goals', views: ['goals', 'goal'], scope: 'viewer' },
  { href: '#/events', label: 'Events', views: ['events'], scope: 'viewer' },
  { href: '#/dead', label: 'Dead letters', views: ['dead'], scope: 'viewer' },
  { href: '#/costs', label: 'Costs', views: ['costs'], scope: 'viewer' },
  { href: '#/approvals', label: 'Approvals', views: ['approvals'], scope: 'viewer' },
  { href: '#/notifications', label: 'Notifications', views: ['notifications'], scope: 'viewer' },
  { href: '#/submit', label: 'Submit', views: ['submit'], scope: 'submitter' },
]

export function parseHash(hash) {
  const raw = (hash || '').replace(/^#\/?/, '')
  const qi = raw.indexOf('?')
  const path = (qi >= 0 ? raw.slice(0, qi) : raw).replace(/\/+$/, '')
  const query = new URLSearchParams(qi >= 0 ? raw.slice(qi + 1) : '')
  const segments = path ? path.split('/') : []
  for (const [pattern, name] of ROUTES) {
    const parts = pattern ? pattern.split('/') : []
    if (parts.length !== segments.length) continue
    let id
    let ok = true
    for (let i = 0; i < parts.length; i++) {
      if (parts[i] === ':id') {
        try { id = decodeURIComponent(segments[i]) } catch { id = segments[i] }
      } else if (parts[i] !== segments[i]) { ok = false; break }
    }
    if (ok) return { name, params: { id, query } }
  }
  return { name: null, params: { query } }
}
