-- Inbound messages per chat beside the total, so message counts (status, dashboards polling it)
-- sum the chats table instead of scanning every message: outbound = messages - messages_in.
ALTER TABLE chats ADD COLUMN messages_in INTEGER NOT NULL DEFAULT 0;

UPDATE chats SET messages_in = (
  SELECT count(*) FROM messages m
  WHERE m.account = chats.account AND m.chat = chats.chat AND m.direction = 'in'
);
