-- Linda's initial schema. Times are epoch milliseconds; JSON columns hold text.

CREATE TABLE accounts (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  phone      TEXT,
  connector  TEXT NOT NULL,
  config     TEXT NOT NULL,
  status     TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

-- No foreign key to accounts: a connector may save keys before the account row settles,
-- and deleteAccount removes them explicitly.
CREATE TABLE auth_state (
  account TEXT NOT NULL,
  key     TEXT NOT NULL,
  value   BLOB NOT NULL,
  PRIMARY KEY (account, key)
) STRICT, WITHOUT ROWID;

CREATE TABLE contacts (
  account       TEXT NOT NULL,
  phone         TEXT NOT NULL,
  name          TEXT,
  first_seen_at INTEGER NOT NULL,
  last_seen_at  INTEGER NOT NULL,
  PRIMARY KEY (account, phone)
) STRICT, WITHOUT ROWID;

-- Messages outlive their account unless it is purged, so no foreign key here either.
-- AUTOINCREMENT: seq is never reused after a purge, which the search watermark relies on.
CREATE TABLE messages (
  seq       INTEGER PRIMARY KEY AUTOINCREMENT,
  account   TEXT NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  id        TEXT NOT NULL,
  chat      TEXT NOT NULL,
  sender    TEXT NOT NULL,
  kind      TEXT NOT NULL,
  body      TEXT,
  media     TEXT,
  quoted_id TEXT,
  meta      TEXT,
  timestamp INTEGER NOT NULL,
  status    TEXT NOT NULL,
  handled   INTEGER NOT NULL DEFAULT 0,
  UNIQUE (account, direction, id)
) STRICT;

CREATE INDEX messages_history ON messages (account, chat, timestamp, seq);
CREATE INDEX messages_unhandled ON messages (account, timestamp, seq)
  WHERE direction = 'in' AND handled = 0;

-- One row per chat so listChats never scans messages. Kept by trigger; purge deletes by account.
CREATE TABLE chats (
  account         TEXT NOT NULL,
  chat            TEXT NOT NULL,
  last_message_at INTEGER NOT NULL,
  messages        INTEGER NOT NULL,
  PRIMARY KEY (account, chat)
) STRICT, WITHOUT ROWID;

CREATE INDEX chats_recent ON chats (account, last_message_at, chat);

CREATE TRIGGER messages_chats_ai AFTER INSERT ON messages BEGIN
  INSERT INTO chats (account, chat, last_message_at, messages)
  VALUES (new.account, new.chat, new.timestamp, 1)
  ON CONFLICT (account, chat) DO UPDATE SET
    last_message_at = max(last_message_at, excluded.last_message_at),
    messages = messages + 1;
END;

-- Full-text index over bodies (external content). Indexing is deferred so ingest stays fast:
-- rows with seq <= search_index.indexed_upto are in messages_fts, later ones are added in
-- batches by the store (before every search, and in idle time). The triggers keep indexed rows
-- in step and must never touch rows the index has not seen.
CREATE VIRTUAL TABLE messages_fts USING fts5 (
  body,
  content = 'messages',
  content_rowid = 'seq',
  tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TABLE search_index (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  indexed_upto INTEGER NOT NULL
) STRICT;

INSERT INTO search_index (id, indexed_upto) VALUES (1, 0);

CREATE TRIGGER messages_fts_ad AFTER DELETE ON messages
WHEN old.body IS NOT NULL AND old.seq <= (SELECT indexed_upto FROM search_index) BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.seq, old.body);
END;

CREATE TRIGGER messages_fts_au AFTER UPDATE OF body ON messages
WHEN old.seq <= (SELECT indexed_upto FROM search_index) BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, body)
    SELECT 'delete', old.seq, old.body WHERE old.body IS NOT NULL;
  INSERT INTO messages_fts (rowid, body)
    SELECT new.seq, new.body WHERE new.body IS NOT NULL;
END;

CREATE TABLE outbox (
  seq             INTEGER PRIMARY KEY,
  account         TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  message_id      TEXT NOT NULL,
  message         TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'dead')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error      TEXT,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  UNIQUE (account, idempotency_key)
) STRICT;

CREATE INDEX outbox_due ON outbox (account, state, next_attempt_at);
CREATE INDEX outbox_state ON outbox (state, created_at);

CREATE TABLE media (
  sha256    TEXT PRIMARY KEY,
  size      INTEGER NOT NULL,
  mime      TEXT NOT NULL,
  file_name TEXT
) STRICT, WITHOUT ROWID;
