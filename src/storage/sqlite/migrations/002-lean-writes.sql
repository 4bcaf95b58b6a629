-- The outbox is written several times per message (enqueue, claim, settle); every index on it
-- is paid on each of those writes. outbox_state only served the stats query, which can scan.
DROP INDEX IF EXISTS outbox_state;

-- The chats summary is now tallied per batch by the store (one upsert per chat per batch)
-- instead of by a trigger on every message row.
DROP TRIGGER IF EXISTS messages_chats_ai;
