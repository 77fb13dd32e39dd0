// The hub's HTTP API for the page. The session cookie authenticates every request; changes carry
// the session's CSRF token. Errors come back as ApiError with the hub's stable `code`.

export const SCOPES = ['viewer', 'submitter', 'admin']

export function scopeRank(scope) {
  return SCOPES.indexOf(scope)
}

export class ApiError extends Error {
  constructor(status, code, message, field = null) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.field = field
  }
}

// Where the page goes when the session is gone: the sign-in page, coming back here afterwards.
export function signInUrl(error) {
  const q = new URLSearchParams()
  const next = location.hash && location.hash !== '#/' ? location.hash : ''
  if (next) q.set('next', next)
  if (error) q.set('error', error)
  const s = q.toString()
  return s ? `/signin?${s}` : '/signin'
}

// '/api/tasks' stays; 'tasks' or '/tasks' becomes '/api/tasks'; '/auth/…' stays.
function resolve(path) {
  if (path.startsWith('/api/') || path === '/api' || path.startsWith('/auth/')) return path
  return `/api/${path.replace(/^\/+/, '')}`
}

function withQuery(path, query) {
  if (!query) return path
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue
    params.set(key, Array.isArray(value) ? value.join(',') : String(value))
  }
  const s = params.toString()
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path
}

async function errorFrom(response) {
  let body = null
  try { body = await response.json() } catch { /* not JSON: keep the status */ }
  const e = body && body.error
  if (e && typeof e === 'object') return new ApiError(response.status, e.code || 'error', e.message || response.statusText, e.field ?? null)
  return new ApiError(response.status, `http_${response.status}`, `${response.status} ${response.statusText}`.trim())
}

// createApi(session) → api: session is the /auth/session document.
export function createApi(session) {
  let redirecting = false

  async function request(method, path, { query, body } = {}) {
    const headers = { Accept: 'application/json' }
    const init = { method, headers, credentials: 'same-origin', cache: 'no-store' }
    if (method !== 'GET' && method !== 'HEAD') {
      if (session.csrf_token) headers['X-CSRF-Token'] = session.csrf_token
      if (body !== undefined) {
        headers['Content-Type'] = 'application/json'
        init.body = JSON.stringify(body)
      }
    }
    let response
    try {
      response = await fetch(withQuery(resolve(path), query), init)
    } catch (e) {
      throw new ApiError(0, 'network', `The hub did not answer (${e.message}).`)
    }
    if (response.status === 401 && !redirecting) {
      // The session ended (expired, signed out elsewhere, token revoked): sign in again.
      redirecting = true
      location.assign(signInUrl())
    }
    if (!response.ok) throw await errorFrom(response)
    if (response.status === 204) return null
    const text = await response.text()
    return text ? JSON.parse(text) : null
  }

  return {
    session,
    get: (path, query) => request('GET', path, { query }),
    post: (path, body, query) => request('POST', path, { body: body === undefined ? {} : body, query }),
    delete: (path) => request('DELETE', path),
    can: (scope) => scopeRank(session.scope) >= scopeRank(scope) && scopeRank(scope) >= 0,
  }
}
