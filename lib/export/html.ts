// One escaper for every attribute value and text node of the pages: project
// names and file names are already restricted to safe characters, but carried
// fields (yanked reasons, requires-python, status reasons) are arbitrary text
// from an unauthenticated index page.
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
