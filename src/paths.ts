import fs from 'node:fs'
import path from 'node:path'

// The project root holds package.json; from source (src/) and from the build (dist/src/) alike.
function findRoot(start: string): string {
  let dir = start
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'views'))) return dir
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error(`project root not found above ${start}`)
    dir = parent
  }
}

export const projectRoot = findRoot(__dirname)
export const viewsDir = path.join(projectRoot, 'views')
export const publicDir = path.join(projectRoot, 'public')
// Migrations and seeds sit beside the running code: ./migrations from source, dist/migrations when built.
export const codeRoot = path.resolve(__dirname, '..')
