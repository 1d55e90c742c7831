import { readText } from './fileio';
import { mountOf, unescapeMountField } from './filesystem';

/**
 * The device /proc/locks prints for a lock is the file system's own (its
 * superblock's), the one /proc/self/mountinfo lists for each mount.
 * stat().st_dev can differ: btrfs gives every subvolume its own anonymous
 * device, and overlayfs reports a file's underlying layer. So a file's locks
 * are matched by the device of the mount that holds it, and st_dev is only
 * the fallback where mountinfo cannot be read.
 */
export interface DeviceId { major: number; minor: number }

export interface Mount { mountPoint: string; device: DeviceId }

/** Linux's dev_t layout (new_decode_dev). */
export function deviceFromStatDev(dev: number): DeviceId {
  return { major: Math.floor(dev / 256) & 0xfff, minor: (dev & 0xff) | (Math.floor(dev / 4096) & ~0xff) };
}

/** "36 35 98:0 /mnt1 /mnt/parent rw … - ext3 /dev/root rw": the 3rd field is the device, the 5th the mount point (octal escapes for space, tab, newline, backslash). */
export function parseMountInfo(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    const dev = /^(\d+):(\d+)$/.exec(f[2] ?? '');
    if (!dev || !f[4]) continue;
    mounts.push({ mountPoint: unescapeMountField(f[4]), device: { major: Number(dev[1]), minor: Number(dev[2]) } });
  }
  return mounts;
}

/** The last mount table read and its parse: it is read on every look at the locks, and changes only when something is mounted. */
let parsed: { text: string; mounts: Mount[] } | undefined;

/** The device to look for in /proc/locks for a file (`realPath` resolved, `statDev` its st_dev). */
export async function lockDevice(realPath: string, statDev: number, mountInfo = '/proc/self/mountinfo'): Promise<DeviceId> {
  try {
    const text = await readText(mountInfo);
    if (parsed?.text !== text) parsed = { text, mounts: parseMountInfo(text) };
    return mountOf(realPath, parsed.mounts)?.device ?? deviceFromStatDev(statDev);
  } catch {
    return deviceFromStatDev(statDev);
  }
}
