// Loads a dashboard asset module by path. The assets are plain `.js` ES modules served to
// browsers; Node would read a `.js` file outside a `"type": "module"` package as CommonJS, so the
// source is imported as a data: URL instead (the pure modules import nothing).
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

const assets = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../Sources/FlotillaHub/Dashboard/Assets')

export async function loadAsset(relative) {
  const source = await readFile(path.join(assets, relative), 'utf8')
  return import('data:text/javascript;charset=utf-8,' + encodeURIComponent(source))
}
