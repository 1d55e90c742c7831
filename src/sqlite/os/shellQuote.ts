/**
 * Commands we print for a person to paste into a POSIX shell. Each word is
 * single-quoted unless it is plainly safe: inside single quotes nothing is
 * special (no `$(…)`, no backticks, no `!`), and a single quote itself is
 * closed, escaped and reopened. JSON quoting is not shell quoting: "$(…)"
 * runs when pasted.
 */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A whole command line, each word quoted. */
export function shellCommand(...words: string[]): string {
  return words.map(shellQuote).join(' ');
}
