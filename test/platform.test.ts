import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { judgeMount, mountOf, parseMounts } from '../src/sqlite/os/filesystem';
import { parseLockEntries, parseProcLocks, readLockEntries } from '../src/sqlite/os/locks';
import { lockDevice, parseMountInfo } from '../src/sqlite/os/mountDevice';
import { processesWithOpen } from '../src/sqlite/os/openers';
import { startPython, tempDir } from './helpers/fixtures';

describe('filesystem verdicts from a mounts table', () => {
  const mounts = parseMounts([
    '/dev/sda1 / ext4 rw,relatime 0 0',
    'nas:/export /srv/data nfs4 rw 0 0',
    '//win/share /mnt/share cifs rw 0 0',
    'C:\\134 /mnt/c 9p rw,aname=drvfs 0 0',
    'D: /mnt/d drvfs rw 0 0',
    'host:/home /home/me/remote fuse.sshfs rw 0 0',
    '/dev/sdb1 /media/ro\\040disk ext4 ro 0 0',
  ].join('\n'));

  const verdict = (p: string) => judgeMount(mountOf(p, mounts), p);

  it('local disks are fine', () => assert.equal(verdict('/home/me/app/db.sqlite3').kind, 'local'));
  it('NFS, SMB and sshfs are network filesystems', () => {
    assert.equal(verdict('/srv/data/app.db').kind, 'network');
    assert.equal(verdict('/mnt/share/app.db').kind, 'network');
    assert.equal(verdict('/home/me/remote/app.db').kind, 'network');
    assert.match((verdict('/srv/data/app.db') as { reason: string }).reason, /nfs4 from nas:\/export/);
  });
  it('WSL drive mounts: 9p is refused as network, drvfs is a caution', () => {
    assert.match((verdict('/mnt/c/Users/me/app.db') as { reason: string }).reason, /Windows drive mounted into WSL/);
    assert.equal(verdict('/mnt/d/app.db').kind, 'caution');
  });
  it('the longest mount point wins and escapes are decoded', () => {
    assert.equal(mountOf('/srv/data/x.db', mounts)?.type, 'nfs4');
    assert.equal(mountOf('/srv/database/x.db', mounts)?.type, 'ext4');
    const ro = mountOf('/media/ro disk/x.db', mounts);
    assert.equal(ro?.readOnly, true);
  });
});

describe('SQLite locks from /proc/locks', () => {
  const dev = { major: 0xfd, minor: 0x01 };
  const text = [
    '1: POSIX  ADVISORY  READ  4242 fd:01:777 1073741826 1073742335',
    '2: POSIX  ADVISORY  WRITE 4242 fd:01:777 1073741825 1073741825',
    '3: POSIX  ADVISORY  WRITE 99 fd:01:778 1073741825 1073741825',
    '4: FLOCK  ADVISORY  WRITE 7 00:2a:777 0 EOF',
  ].join('\n');

  it('reads the lock level and pids for the right inode only', () => {
    assert.deepEqual(parseProcLocks(text, dev, 777), { level: 'reserved', pids: [4242] });
    assert.deepEqual(parseProcLocks(text, dev, 778), { level: 'reserved', pids: [99] });
    assert.deepEqual(parseProcLocks(text, dev, 779), { level: 'none', pids: [] });
  });
  it('a write lock over the shared range is EXCLUSIVE', () => {
    assert.equal(parseProcLocks('1: POSIX ADVISORY WRITE 5 fd:01:777 1073741826 1073742335', dev, 777).level, 'exclusive');
  });
});

describe('lock holders are matched by the device of the mount (/proc/self/mountinfo), not stat().st_dev', () => {
  // Samples from real systems: a btrfs root with subvolumes, a Docker container (overlay root), a mount point with a space.
  const BTRFS = [
    '22 1 0:26 /@ / rw,relatime shared:1 - btrfs /dev/nvme0n1p2 rw,ssd,space_cache=v2,subvolid=256,subvol=/@',
    '29 22 0:26 /@home /home rw,relatime shared:2 - btrfs /dev/nvme0n1p2 rw,ssd,space_cache=v2,subvolid=257,subvol=/@home',
    '31 22 0:42 / /tmp rw,nosuid,nodev shared:14 - tmpfs tmpfs rw',
    '33 29 259:3 / /home/me/my\\040disk rw,relatime shared:20 - ext4 /dev/nvme1n1p1 rw',
  ].join('\n');
  const OVERLAY = [
    '1234 1200 0:58 / / rw,relatime master:1 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/ABC:/var/lib/docker/overlay2/l/DEF,upperdir=/var/lib/docker/overlay2/x/diff,workdir=/var/lib/docker/overlay2/x/work',
    '1235 1234 0:61 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw',
    '1250 1234 254:1 /var/lib/docker/volumes/data/_data /data rw,relatime - ext4 /dev/vda1 rw',
  ].join('\n');
  const makedev = (major: number, minor: number) => major * 256 + minor; // the layout stat() returns for small numbers

  it('parses mountinfo and finds the mount of a path (longest mount point, escapes undone)', () => {
    const btrfs = parseMountInfo(BTRFS);
    assert.deepEqual(mountOf('/home/me/app.db', btrfs)?.device, { major: 0, minor: 26 });
    assert.deepEqual(mountOf('/home/me/my disk/app.db', btrfs)?.device, { major: 259, minor: 3 });
    assert.deepEqual(mountOf('/tmp/x.db', btrfs)?.device, { major: 0, minor: 42 });
    assert.deepEqual(mountOf('/data/app.db', parseMountInfo(OVERLAY))?.device, { major: 254, minor: 1 });
    assert.deepEqual(mountOf('/app/app.db', parseMountInfo(OVERLAY))?.device, { major: 0, minor: 58 });
  });

  it('finds the locks of a file on a btrfs subvolume and on an overlay root, where st_dev differs from /proc/locks', async () => {
    const dir = tempDir();
    const procLocks = path.join(dir, 'locks');
    // The kernel prints the superblock's device in hex: 0:26 on btrfs, 0:58 (0x3a) on the overlay.
    writeFileSync(procLocks, ['1: POSIX  ADVISORY  WRITE 4242 00:1a:777 1073741825 1073741825', '2: POSIX  ADVISORY  READ 99 00:3a:888 1073741826 1073742335'].join('\n'));
    const cases = [
      { mountInfo: BTRFS, file: { path: '/home/me/app.db', dev: makedev(0, 45), ino: 777 }, pid: 4242 }, // st_dev: the subvolume's own anonymous device
      { mountInfo: OVERLAY, file: { path: '/app/app.db', dev: makedev(8, 3), ino: 888 }, pid: 99 }, // st_dev: the layer's disk
    ];
    for (const [i, c] of cases.entries()) {
      const mountInfo = path.join(dir, `mountinfo-${i}`);
      writeFileSync(mountInfo, c.mountInfo);
      const entries = await readLockEntries(c.file, procLocks, mountInfo);
      if (process.platform !== 'linux') continue;
      assert.deepEqual(entries?.map((e) => e.pid), [c.pid], c.file.path);
    }
  });

  it('reads only the lines about its inode: not an inode that ends with the same digits, a waiter (->) too, the last line without a newline', () => {
    const text = [
      '1: POSIX  ADVISORY  WRITE 10 08:01:15678 1073741825 1073741825',
      '2: POSIX  ADVISORY  READ 11 08:01:5678 1073741826 1073742335',
      '3: POSIX  ADVISORY  READ 12 08:02:5678 1073741826 1073742335',
      '3: -> POSIX  ADVISORY  WRITE 13 08:01:5678 1073741824 1073741824',
      '4: POSIX  ADVISORY  WRITE 14 08:01:5678 128 EOF',
    ].join('\n');
    const entries = parseLockEntries(text, { major: 8, minor: 1 }, 5678);
    assert.deepEqual(entries.map((e) => e.pid), [11, 13, 14]);
    assert.equal(entries[2]!.end, Number.MAX_SAFE_INTEGER);
    assert.deepEqual(parseLockEntries(text, { major: 8, minor: 1 }, 15678).map((e) => e.pid), [10]);
    assert.deepEqual(parseLockEntries(text, { major: 8, minor: 1 }, 678), []);
  });

  it('live: the device of the mount holding a database is the one /proc/locks prints for real SQLite locks on it', { skip: process.platform !== 'linux' && 'Linux /proc only' }, async () => {
    const dir = tempDir();
    const file = path.join(dir, 'live.db');
    execFileSync('python3', ['-c', 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("create table t(x)"); c.commit()', file]);
    const { child } = await startPython('import sqlite3, sys\nc = sqlite3.connect(sys.argv[1], isolation_level=None)\nc.execute("BEGIN IMMEDIATE")\nprint("ready")\nsys.stdin.read()\n', [file]);
    try {
      const real = realpathSync(file);
      const st = statSync(real);
      const printed = readFileSync('/proc/locks', 'utf8').split('\n').find((l) => l.split(/\s+/)[4] === String(child.pid) && l.includes(`:${st.ino} `));
      assert.ok(printed, 'real SQLite holds a lock on the file');
      const [major, minor] = printed.split(/\s+/)[5]!.split(':').map((x) => parseInt(x, 16));
      assert.deepEqual(await lockDevice(real, st.dev), { major, minor });
      assert.deepEqual([...new Set((await readLockEntries({ path: real, dev: st.dev, ino: st.ino }))?.map((e) => e.pid))], [child.pid]);
    } finally {
      child.stdin!.end();
      await new Promise((r) => child.on('exit', r));
    }
  });
});

describe('who has a file open, from /proc/PID/fd', { skip: process.platform !== 'linux' && 'Linux /proc only' }, () => {
  it('finds a process holding the file open without any lock, and not once it has closed it', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'held.db');
    writeFileSync(file, '');
    const other = path.join(dir, 'other.db');
    writeFileSync(other, '');
    const { child } = await startPython('import sys\nf = open(sys.argv[1], "rb")\nprint("ready", flush=True)\nsys.stdin.readline()\nf.close()\nprint("closed", flush=True)\nsys.stdin.read()\n', [file]);
    try {
      assert.deepEqual(await processesWithOpen([realpathSync(file)]), [child.pid]);
      assert.deepEqual(await processesWithOpen([realpathSync(other)]), []);
      child.stdin!.write('\n');
      await new Promise<void>((r) => child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('closed')) r(); }));
      assert.deepEqual(await processesWithOpen([realpathSync(file)]), []);
    } finally {
      child.stdin!.end();
      await new Promise((r) => child.on('exit', r));
    }
  });
});
