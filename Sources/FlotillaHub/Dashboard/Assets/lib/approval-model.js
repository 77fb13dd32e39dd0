// The approvals view's pure logic (no DOM): times, the countdown, diff lines, ordering, what a
// decision says, and merging records from the API and the event stream. Node unit tests:
// Tests/DashboardJS/approvals.test.mjs.

// A time from the API as milliseconds since the epoch: approval records carry seconds since the
// epoch (numbers), other records ISO strings; both are read. null when absent or unreadable.
export function toMillis(t) {
  if (t === null || t === undefined || t === '') return null
  if (typeof t === 'number') return Number.isFinite(t) ? (Math.abs(t) < 1e11 ? t * 1000 : t) : null
  const ms = Date.parse(String(t))
  return Number.isNaN(ms) ? null : ms
}

// The same as an ISO string, for the format.js helpers (ago, dateTime) that read ISO times.
export function toIso(t) {
  const ms = toMillis(t)
  return ms === null ? null : new Date(ms).toISOString()
}

// Seconds left → '9m 58s', '45s', '1h 05m'; 'expired' at or past zero.
export function countdown(secondsLeft) {
  if (secondsLeft === null || secondsLeft === undefined || Number.isNaN(secondsLeft)) return '—'
  const s = Math.floor(secondsLeft)
  if (s <= 0) return 'expired'
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
}

// Seconds until a record expires (negative once past), null without expires_at.
export function secondsLeft(record, now = Date.now()) {
  const expires = toMillis(record?.expires_at)
  return expires === null ? null : (expires - now) / 1000
}

// Whether a text reads as a unified diff (a diff / patch asked about), so its lines are coloured.
export function isDiff(text) {
  if (!text) return false
  const lines = String(text).split('\n', 400)
  const hunk = lines.some((l) => /^@@ -\d+(,\d+)? \+\d+(,\d+)? @@/.test(l))
  const header = lines.some((l) => l.startsWith('diff --git ')) ||
    (lines.some((l) => l.startsWith('--- ')) && lines.some((l) => l.startsWith('+++ ')))
  return hunk || header
}

// A diff's lines with their kind: 'meta' (diff/index/---/+++ headers), 'hunk' (@@), 'add', 'del'
// or 'context'. Text that is not a diff is one 'plain' line per line.
export function diffLines(text) {
  const lines = String(text ?? '').split('\n')
  if (!isDiff(text)) return lines.map((line) => ({ kind: 'plain', line }))
  return lines.map((line) => {
    if (/^(diff --git |index |--- |\+\+\+ |new file mode|deleted file mode|similarity index|rename (from|to) )/.test(line)) return { kind: 'meta', line }
    if (line.startsWith('@@')) return { kind: 'hunk', line }
    if (line.startsWith('+')) return { kind: 'add', line }
    if (line.startsWith('-')) return { kind: 'del', line }
    return { kind: 'context', line }
  })
}

export const isPending = (record) => record?.state === 'pending'

// Pending requests first, the one that expires soonest on top; then the decided ones, the most
// recently decided on top.
export function ordered(records) {
  const pending = records.filter(isPending)
    .sort((a, b) => (toMillis(a.expires_at) ?? Infinity) - (toMillis(b.expires_at) ?? Infinity) || String(a.id).localeCompare(String(b.id)))
  const decided = records.filter((r) => !isPending(r))
    .sort((a, b) => (toMillis(b.decided_at) ?? toMillis(b.created_at) ?? 0) - (toMillis(a.decided_at) ?? toMillis(a.created_at) ?? 0) ||
      String(b.id).localeCompare(String(a.id)))
  return { pending, decided }
}

// Who or what decided, and how: 'Denied by alice', 'Allowed by rule ^Bash\(swift test',
// 'Denied: nobody answered in time', 'Cancelled: the attempt ended before an answer'.
export function decisionText(record) {
  const verb = record.state === 'allowed' ? 'Allowed' : 'Denied'
  switch (record.decided_by) {
    case 'person': return `${verb} by ${record.decider || 'a person'}`
    case 'rule': return `${verb} by rule ${record.decider || ''}`.trim()
    case 'timeout': return `${verb}: nobody answered in time`
    case 'cancelled': return 'Cancelled: the asking attempt ended before an answer'
    default: return record.state === 'pending' ? 'Waiting' : verb
  }
}

// The label of the choice a decision picked, else its key, else null.
export function choiceLabel(record) {
  if (!record.choice) return null
  const c = (record.choices || []).find((x) => x.key === record.choice)
  return c ? `${c.label} (${c.key})` : record.choice
}

// Merges a record (from the API, an event, or a POST's answer) into a Map by id. A decision is
// final: a pending copy arriving late (an older list answer, a replayed event) never takes a
// decided record back to pending. Returns whether the map changed.
export function merge(map, record) {
  if (!record || typeof record.id !== 'string') return false
  const known = map.get(record.id)
  if (known && !isPending(known) && isPending(record)) return false
  if (known && JSON.stringify(known) === JSON.stringify(record)) return false
  map.set(record.id, record)
  return true
}

// The record an approval.* event carries (its `data`), or null for anything else.
export function recordOfEvent(event) {
  const data = event?.data
  return data && typeof data === 'object' && typeof data.id === 'string' && typeof data.state === 'string' ? data : null
}

// The tab title with the number of requests waiting: '(3) Tasks · Flotilla'.
export function titleWithCount(base, count) {
  return count > 0 ? `(${count > 999 ? '999+' : count}) ${base}` : base
}
