import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { SqliteFileError } from '../src/sqlite/os/errors';
import { parseHeader, pageCountFromFile } from '../src/sqlite/disk/header';
import { makeFixtures, truth } from './helpers/fixtures';

// Rollback-mode fixtures whose main file alone is the whole truth.
const PLAIN = ['rollback.db', 'wal-clean.db', 'utf16le.db', 'page64k.db', 'autovacuum.db', 'freelist.db', 'appid.sqlite3', 'state.bin', 'nested/deeper/app.sqlite'];

describe('database header', () => {
  let dir: string;
  before(() => { dir = makeFixtures(); });

  const header = (name: string) => {
    const file = path.join(dir, name);
    return parseHeader(readFileSync(file).subarray(0, 100), file, statSync(file).size);
  };

  for (const name of PLAIN) {
    it(`matches real SQLite's pragmas for ${name}`, () => {
      const h = header(name);
      const t = truth(path.join(dir, name));
      const file = path.join(dir, name);
      assert.equal(h.pageSize, t.page_size);
      assert.equal(pageCountFromFile(h, statSync(file).size), t.page_count);
      assert.equal(h.freelistCount, t.freelist_count);
      assert.equal(h.encoding, t.encoding);
      assert.equal(h.userVersion, t.user_version);
      assert.equal(h.applicationId, t.application_id);
      assert.equal(h.autoVacuum, t.auto_vacuum);
      assert.equal(h.schemaCookie, t.schema_version);
      assert.equal(h.readVersion === 2 ? 'wal' : 'delete', t.journal_mode);
    });
  }

  it('decodes page size 1 as 65536 and reports the writer version', () => {
    const h = header('page64k.db');
    assert.equal(readFileSync(path.join(dir, 'page64k.db')).readUInt16BE(16), 1);
    assert.equal(h.pageSize, 65536);
    assert.match(h.sqliteVersion, /^3\.\d+\.\d+$/);
  });

  const rejects: [string, string, RegExp][] = [
    ['empty.db', 'empty', /empty \(0 bytes\).*new, empty database/],
    ['notes.db', 'not-sqlite', /not an SQLite database.*These are my/],
    ['random.sqlite3', 'not-sqlite', /not an SQLite database/],
    ['truncated-header.db', 'truncated', /only 60 bytes/],
    ['badpage.db', 'bad-header', /page size 3000/],
  ];
  for (const [name, code, message] of rejects) {
    it(`rejects ${name} with a typed error naming the file`, () => {
      assert.throws(() => header(name), (err: unknown) => {
        assert.ok(err instanceof SqliteFileError);
        assert.equal(err.code, code);
        assert.match(err.message, message);
        assert.ok(err.message.includes(name));
        return true;
      });
    });
  }

  it('rejects impossible field values', () => {
    const good = readFileSync(path.join(dir, 'rollback.db')).subarray(0, 100);
    const mutate = (offset: number, bytes: number[]) => {
      const b = Buffer.from(good);
      b.set(bytes, offset);
      return () => parseHeader(b, 'x.db', 4096 * 26);
    };
    assert.throws(mutate(16, [0x02, 0x01]), /page size 513/);
    assert.throws(mutate(16, [0, 0]), /page size 0/);
    assert.throws(mutate(18, [3, 3]), /versions 3\/3/);
    assert.throws(mutate(21, [65]), /payload fractions/);
    assert.throws(mutate(56, [0, 0, 0, 9]), /text encoding 9/);
    assert.throws(mutate(16, [0x02, 0x00, 1, 1, 40]), /40 reserved bytes leave less than 480/);
  });

  it('derives the page count from the file size when the header count is stale', () => {
    const b = Buffer.from(readFileSync(path.join(dir, 'rollback.db')).subarray(0, 100));
    b.writeUInt32BE(b.readUInt32BE(92) + 1, 92); // version-valid-for no longer matches the change counter
    const h = parseHeader(b, 'x.db', 4096 * 30);
    assert.equal(h.pageCountValid, false);
    assert.equal(pageCountFromFile(h, 4096 * 30), 30);
  });
});
