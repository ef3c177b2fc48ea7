// PEP 503 project-name normalisation: runs of `-`, `_` and `.` collapse to one
// `-`, and the result is lower-cased. This is the comparison key every index
// and every PEP 740 subject uses; written here because it is one regex
// (packaging.utils.canonicalize_name) and no npm package carries it.

export function normalizeProjectName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

/** The same name as it appears in wheel and PEP 625 sdist file names (`-` escaped to `_`). */
export function escapeProjectName(name: string): string {
  return normalizeProjectName(name).replace(/-/g, '_');
}
