import { promises as fsp } from 'node:fs';

/**
 * Which filesystem a file lives on, and whether WAL is safe there. WAL needs
 * every process to share memory (the -shm file is mmapped) and working POSIX
 * locks on one host: https://www.sqlite.org/wal.html ("WAL does not work over
 * a network filesystem") and https://www.sqlite.org/useovernet.html.
 * Linux reads /proc/mounts; elsewhere this is best effort (unknown).
 */
export interface MountInfo {
  source: string;
  mountPoint: string;
  type: string;
  readOnly: boolean;
}

export type FsVerdict =
  | { kind: 'local' }
  | { kind: 'network'; reason: string }
  | { kind: 'caution'; reason: string }
  | { kind: 'unknown'; reason: string };

const NETWORK_TYPES = new Set([
  'nfs', 'nfs4', 'cifs', 'smb3', 'smbfs', '9p', 'afs', 'ncpfs', 'coda', 'davfs', 'ceph', 'glusterfs', 'lustre', 'gpfs', 'beegfs',
  'fuse.sshfs', 'sshfs', 'fuse.rclone', 'fuse.s3fs', 'fuse.gcsfuse', 'fuse.glusterfs', 'fuse.cephfs', 'fuse.davfs2', 'fuse.juicefs',
]);
// Host/VM file sharing layers: locks or shared memory may not cross the boundary.
const SHARED_FOLDER_TYPES = new Set(['drvfs', 'vboxsf', 'vmhgfs', 'fuse.vmhgfs-fuse', 'virtiofs', 'fakeowner', 'fuse.grpcfuse', 'osxfs', 'prl_fs']);

/** The kernel escapes space, tab, newline and backslash in mount fields as octal (\040). */
export const unescapeMountField = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

export function parseMounts(text: string): MountInfo[] {
  return text.split('\n').flatMap((line) => {
    const [source, mountPoint, type, options] = line.split(' ');
    if (!source || !mountPoint || !type) return [];
    return [{ source: unescapeMountField(source), mountPoint: unescapeMountField(mountPoint), type, readOnly: (options ?? '').split(',').includes('ro') }];
  });
}

/** The mount a path is on: the longest mount point that is a prefix of it; of mounts stacked on one point, the last (the visible one). */
export function mountOf<M extends { mountPoint: string }>(realPath: string, mounts: readonly M[]): M | undefined {
  let best: M | undefined;
  for (const m of mounts) {
    const prefix = m.mountPoint.endsWith('/') ? m.mountPoint : `${m.mountPoint}/`;
    if ((realPath === m.mountPoint || realPath.startsWith(prefix)) && (!best || m.mountPoint.length >= best.mountPoint.length)) best = m;
  }
  return best;
}

export function judgeMount(m: MountInfo | undefined, realPath: string): FsVerdict {
  if (!m) return { kind: 'unknown', reason: 'the filesystem type could not be determined on this system' };
  const wslDrive = /^\/mnt\/[a-z](\/|$)/.test(realPath);
  if (NETWORK_TYPES.has(m.type)) {
    const where = wslDrive ? 'a Windows drive mounted into WSL' : `a network filesystem (${m.type} from ${m.source})`;
    return { kind: 'network', reason: `the file is on ${where}; WAL needs shared memory and working locks on one host, so it is unsafe there (https://www.sqlite.org/wal.html)` };
  }
  if (SHARED_FOLDER_TYPES.has(m.type) || wslDrive) {
    return { kind: 'caution', reason: `the file is on a host/VM shared folder (${m.type} at ${m.mountPoint}); WAL works only if every process that opens the database runs on the same side of it` };
  }
  return { kind: 'local' };
}

export async function readMounts(procMounts = '/proc/mounts'): Promise<MountInfo[] | undefined> {
  if (process.platform !== 'linux') return undefined;
  try {
    return parseMounts(await fsp.readFile(procMounts, 'utf8'));
  } catch {
    return undefined;
  }
}
