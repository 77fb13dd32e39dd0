// Pan (drag, arrow keys) and zoom (wheel, +/-, buttons) for an SVG whose content sits in one
// <g>. A drag only starts after a few pixels, so a click on a node stays a click.
const MIN = 0.1
const MAX = 4
const DRAG_START_PX = 4

export function panZoom(svg, world, { onChange } = {}) {
  let scale = 1
  let tx = 0
  let ty = 0
  let drag = null
  let suppressClick = false

  const apply = () => {
    world.setAttribute('transform', `translate(${tx.toFixed(1)},${ty.toFixed(1)}) scale(${scale.toFixed(4)})`)
    onChange?.({ scale, tx, ty })
  }
  const zoomAt = (factor, cx, cy) => {
    const next = Math.min(MAX, Math.max(MIN, scale * factor))
    tx = cx - (cx - tx) * (next / scale)
    ty = cy - (cy - ty) * (next / scale)
    scale = next
    apply()
  }
  const centre = () => {
    const r = svg.getBoundingClientRect()
    return [r.width / 2, r.height / 2]
  }

  const onWheel = (e) => {
    e.preventDefault()
    const r = svg.getBoundingClientRect()
    zoomAt(Math.exp(-e.deltaY * 0.0015), e.clientX - r.left, e.clientY - r.top)
  }
  const onDown = (e) => {
    if (e.button !== 0) return
    drag = { id: e.pointerId, x: e.clientX, y: e.clientY, tx, ty, moving: false }
  }
  const onMove = (e) => {
    if (!drag || e.pointerId !== drag.id) return
    const dx = e.clientX - drag.x
    const dy = e.clientY - drag.y
    if (!drag.moving && Math.hypot(dx, dy) < DRAG_START_PX) return
    if (!drag.moving) {
      drag.moving = true
      svg.setPointerCapture(e.pointerId)
      svg.classList.add('panning')
    }
    tx = drag.tx + dx
    ty = drag.ty + dy
    apply()
  }
  const onUp = (e) => {
    if (!drag || e.pointerId !== drag.id) return
    if (drag.moving) {
      suppressClick = true
      setTimeout(() => { suppressClick = false }, 0)
      svg.classList.remove('panning')
    }
    drag = null
  }
  // A click that ends a drag is swallowed before it reaches a node.
  const onClick = (e) => {
    if (suppressClick) { e.stopPropagation(); e.preventDefault() }
  }
  const onKey = (e) => {
    if (e.target !== svg) return
    const step = 40
    const moves = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] }
    if (moves[e.key]) { tx += moves[e.key][0]; ty += moves[e.key][1]; apply(); e.preventDefault() }
    else if (e.key === '+' || e.key === '=') { zoomAt(1.25, ...centre()); e.preventDefault() }
    else if (e.key === '-') { zoomAt(0.8, ...centre()); e.preventDefault() }
  }

  svg.addEventListener('wheel', onWheel, { passive: false })
  svg.addEventListener('pointerdown', onDown)
  svg.addEventListener('pointermove', onMove)
  svg.addEventListener('pointerup', onUp)
  svg.addEventListener('pointercancel', onUp)
  svg.addEventListener('click', onClick, true)
  svg.addEventListener('keydown', onKey)
  apply()

  return {
    zoomIn: () => zoomAt(1.25, ...centre()),
    zoomOut: () => zoomAt(0.8, ...centre()),
    // Fits a content box (in world units) into the view, never enlarging past 1:1. With
    // `minScale`, a box too big to stay legible is shown at that scale from its left edge
    // instead (a phone pans along a wide pipeline rather than squinting at all of it).
    fit(width, height, margin = 16, minScale = MIN) {
      const r = svg.getBoundingClientRect()
      if (!width || !height || !r.width || !r.height) return
      scale = Math.max(MIN, Math.min(1, (r.width - 2 * margin) / width, (r.height - 2 * margin) / height))
      tx = (r.width - width * scale) / 2
      ty = (r.height - height * scale) / 2
      if (scale < minScale) {
        scale = Math.min(1, minScale)
        tx = margin
        ty = Math.max(margin, (r.height - height * scale) / 2)
      }
      apply()
    },
    destroy() {
      svg.removeEventListener('wheel', onWheel)
    },
  }
}
