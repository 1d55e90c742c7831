import type { ConnectionFinding } from '../findings';
import type { TextEdit } from '../planners';

/** What a fix plan holds, apart from the planning (fixes.ts) so that the planners it calls can name it too. */
export interface Fix {
  file: string;
  line: number;
  stack: ConnectionFinding['stack'];
  /** One line for a quick fix title or a CLI summary. */
  title: string;
  missing: string[];
  edits: TextEdit[];
}

export interface Unfixable { file: string; line: number; stack: ConnectionFinding['stack']; missing: string[]; why: string }
