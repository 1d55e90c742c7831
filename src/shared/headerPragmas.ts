/**
 * What each file-level pragma means, in words for the status panel. These
 * values live in the database header, so they are read from the file.
 */
export interface HeaderPragma {
  key: 'journalMode' | 'pageSize' | 'pageCount' | 'freelistCount' | 'encoding' | 'autoVacuum' | 'userVersion' | 'applicationId' | 'schemaVersion' | 'lastWriterVersion';
  pragma: string;
  meaning: string;
}

export const HEADER_PRAGMAS: readonly HeaderPragma[] = [
  { key: 'journalMode', pragma: 'journal_mode', meaning: 'WAL lets readers work while one writer commits; stored in the file (bytes 18–19), so it persists.' },
  { key: 'pageSize', pragma: 'page_size', meaning: 'Bytes per page. 4096 suits most workloads; changing it needs VACUUM (and leaving WAL first).' },
  { key: 'pageCount', pragma: 'page_count', meaning: 'Pages in the database as a connection sees it now, including commits still in the -wal.' },
  { key: 'freelistCount', pragma: 'freelist_count', meaning: 'Unused pages kept for reuse. A large share means wasted disk; VACUUM reclaims it (it rewrites the whole file).' },
  { key: 'encoding', pragma: 'encoding', meaning: 'Text encoding, fixed when the first table is created.' },
  { key: 'autoVacuum', pragma: 'auto_vacuum', meaning: '0 none, 1 full, 2 incremental: whether free pages are returned to the file system automatically.' },
  { key: 'userVersion', pragma: 'user_version', meaning: 'A number the application owns, often its schema migration version.' },
  { key: 'applicationId', pragma: 'application_id', meaning: 'Identifies the file format of the application that made it (0 = not set).' },
  { key: 'schemaVersion', pragma: 'schema_version', meaning: 'Bumped by SQLite on every schema change; connections use it to notice changes.' },
  { key: 'lastWriterVersion', pragma: 'sqlite_version (header)', meaning: 'The SQLite library version that last wrote this file.' },
];
