import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { DatabaseModel, ModelChange } from '../src/ui/services/model';
import { TreeNodes } from '../src/ui/services/treeNodes';
import { makeBlobDb, tempDir } from './helpers/fixtures';

/** A busy database refreshes its own row in the tree, not the tree; a re-read that changed nothing tells no view. */
describe('tree rows follow model changes one by one', () => {
  let dir: string;
  let model: DatabaseModel;
  const changes: ModelChange[] = [];
  before(async () => {
    dir = tempDir('sqlite-doctor-tree-');
    makeBlobDb(path.join(dir, 'a.db'), 10, 100);
    makeBlobDb(path.join(dir, 'b.db'), 10, 100, { wal: true });
    model = new DatabaseModel();
    await model.scan([{ folder: 'demo', path: dir }], {});
    model.onDidChange((c) => changes.push(c));
  });

  it('a write to one database refreshes that node alone, the same object with the new row', async () => {
    const nodes = new TreeNodes(model);
    const shown = nodes.children();
    const b = shown.find((n) => n.kind === 'db' && n.row.fileName === 'b.db')!;
    const before = b.kind === 'db' ? b.row.sizeBytes : 0;
    execFileSync('python3', ['-c', 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("insert into t(v) values (randomblob(5000))"); c.commit()', path.join(dir, 'b.db')]);
    await model.refresh(path.join(dir, 'b.db'));
    const change = changes.at(-1)!;
    assert.deepEqual(change, { kind: 'paths', paths: [path.join(dir, 'b.db')] });
    const refreshed = nodes.changed(change);
    assert.ok(refreshed !== 'all' && refreshed.length === 1 && refreshed[0] === b, 'only b.db, as the node the tree knows');
    assert.ok(b.kind === 'db' && b.row.sizeBytes > before, 'the node carries the new row');
  });

  it('re-reading an unchanged database tells no view', async () => {
    const count = changes.length;
    await model.refresh(path.join(dir, 'a.db'));
    assert.equal(changes.length, count);
  });

  it('a new database rebuilds the tree', async () => {
    const nodes = new TreeNodes(model);
    nodes.children();
    makeBlobDb(path.join(dir, 'c.db'), 1, 10);
    await model.refresh(path.join(dir, 'c.db'));
    assert.equal(nodes.changed(changes.at(-1)!), 'all');
  });
});
