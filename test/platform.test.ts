import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judgeMount, mountOf, parseMounts } from '../src/sqlite/filesystem';
import { parseProcLocks } from '../src/sqlite/locks';

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
  // dev 0xfd01 → major 0xfd, minor 0x01
  const dev = 0xfd * 256 + 1;
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
