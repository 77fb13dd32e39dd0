// The sign-in page: shows why we are here (?error=) and carries ?next= through the form.
import { logo } from './lib/dom.js'

const MESSAGES = {
  unauthorized: 'That token was not accepted: it is unknown, mistyped or revoked.',
  link_expired: 'That sign-in link was already used or has expired. Run "flotilla dashboard" for a new one, or paste a token.',
  forbidden: 'Agent tokens cannot sign in to the dashboard. Use a viewer, submitter or admin token.',
  expired: 'Your session has expired. Sign in again.',
  csrf_failed: 'The page was out of date. Sign in again.',
}

const params = new URLSearchParams(location.search)
const error = params.get('error')
const box = document.getElementById('signin-error')
if (error) {
  box.textContent = MESSAGES[error] || `Sign-in failed (${error}).`
  box.hidden = false
}

// Only a page of the dashboard (#/…) or a local path may come back as `next` (the hub checks it too).
const next = params.get('next') || ''
if (next.startsWith('#/') || (next.startsWith('/') && !next.startsWith('//'))) document.getElementById('next').value = next

const brand = document.getElementById('brand')
brand.prepend(logo())

document.getElementById('signin-form').addEventListener('submit', () => {
  document.getElementById('signin-submit').disabled = true
})

// Coming back through the browser's history must not leave the button disabled.
window.addEventListener('pageshow', () => { document.getElementById('signin-submit').disabled = false })
