import { promises as fsp } from 'node:fs';
import type { LockLevel, FileLocks } from './reportTypes';
export type { LockLevel, FileLocks };


const PENDING_BYTE = 0x40000000;
const RESERVED_BYTE = PENDING_BYTE + 1;
const SHARED_FIRST = PENDING_BYTE + 2;
const SHARED_SIZE = 510;


export async function readSqliteLocks(dev: number, ino: number, procLocks = '/proc/locks'): Promise<FileLocks | undefined> {
  if (process.platform !== 'linux') return undefined;
  let text: string;
  try {
    text = await fsp.readFile(procLocks, 'utf8');
  } catch {
    return undefined;
  }
  return parseProcLocks(text, dev, ino);
}

export function parseProcLocks(text: string, dev: number, ino: number): FileLocks {
  const major = Math.floor(dev / 256) & 0xfff;
  const minor = (dev & 0xff) | ((Math.floor(dev / 4096)) & ~0xff);
  let reserved = false, pending = false, sharedCount = 0, exclusiveShared = false;
  const pids = new Set<number>();
  for (const line of text.split('\n')) {
    // "1: POSIX  ADVISORY  WRITE 1234 fd:01:5678 1073741825 1073741825"
    const m = /^\d+:\s+(?:->\s+)?(POSIX|OFDLCK|FLOCK)\s+\S+\s+(READ|WRITE)\s+(-?\d+)\s+([0-9a-f]+):([0-9a-f]+):(\d+)\s+(\d+)\s+(\d+|EOF)/.exec(line);
    if (!m) continue;
    if (Number(m[6]) !== ino || parseInt(m[4]!, 16) !== major || parseInt(m[5]!, 16) !== minor) continue;
    const start = Number(m[7]);
    const end = m[8] === 'EOF' ? Number.MAX_SAFE_INTEGER : Number(m[8]);
    const write = m[2] === 'WRITE';
    const covers = (a: number, b: number) => start <= b && end >= a;
    let sqliteLock = false;
    if (covers(PENDING_BYTE, PENDING_BYTE)) { pending = true; sqliteLock = true; }
    if (covers(RESERVED_BYTE, RESERVED_BYTE)) { reserved = true; sqliteLock = true; }
    if (covers(SHARED_FIRST, SHARED_FIRST + SHARED_SIZE - 1)) {
      sqliteLock = true;
      if (write) exclusiveShared = true; else sharedCount++;
    }
    if (sqliteLock && Number(m[3]) > 0) pids.add(Number(m[3]));
  }
  const level: LockLevel = exclusiveShared ? 'exclusive' : pending ? 'pending' : reserved ? 'reserved' : sharedCount > 0 ? 'shared' : 'none';
  return { level, pids: [...pids] };
}
