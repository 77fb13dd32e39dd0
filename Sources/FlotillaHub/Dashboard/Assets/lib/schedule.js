// Coalescing for renders driven by events: the page must stay responsive at 20,000 events/s,
// so views never render per event; they call a throttled `request()` instead.

// throttle(fn, perSecond) → request(): however often request() is called, fn runs at most
// `perSecond` times a second, and a call is always followed by a run (the last state is never
// lost). request.cancel() drops a pending run (call it from a view's unmount).
export function throttle(fn, perSecond = 10) {
  const interval = 1000 / perSecond
  let last = -Infinity
  let timer = null
  const run = () => {
    timer = null
    last = performance.now()
    fn()
  }
  const request = () => {
    if (timer !== null) return
    const wait = Math.max(0, last + interval - performance.now())
    timer = setTimeout(run, wait)
  }
  request.cancel = () => {
    if (timer !== null) clearTimeout(timer)
    timer = null
  }
  return request
}

// every(fn, ms) → stop(): runs fn every `ms` while the page is visible, and once at once when
// it becomes visible again (a hidden tab does not poll the hub).
export function every(fn, ms) {
  let timer = null
  const start = () => { if (timer === null) timer = setInterval(fn, ms) }
  const halt = () => { if (timer !== null) clearInterval(timer); timer = null }
  const onVisibility = () => {
    if (document.hidden) { halt() } else { fn(); start() }
  }
  document.addEventListener('visibilitychange', onVisibility)
  if (!document.hidden) start()
  return () => {
    halt()
    document.removeEventListener('visibilitychange', onVisibility)
  }
}
