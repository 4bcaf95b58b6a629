import type { WAMessageKey } from 'baileys';

const USER_SERVER = '@s.whatsapp.net';

/** A Linda chat id (E.164 for one-to-one, JID otherwise) as a WhatsApp JID. */
export function toJid(chat: string): string {
  if (chat.includes('@')) return chat;
  return `${chat.replace(/^\+/, '')}${USER_SERVER}`;
}

/**
 * A WhatsApp JID as a Linda chat id: phone-number users become E.164 (`+` and the number, the
 * device suffix dropped); groups and LID addresses keep their JID.
 */
export function fromJid(jid: string): string {
  const at = jid.indexOf('@');
  if (at < 0) return jid;
  const server = jid.slice(at);
  if (server !== USER_SERVER && server !== '@c.us') return jid;
  const user = jid.slice(0, at).split(':')[0] ?? '';
  return /^\d{8,15}$/.test(user) ? `+${user}` : jid;
}

/** True for group chats. */
export function isGroupJid(jid: string): boolean {
  return jid.endsWith('@g.us');
}

/** The chat of a message key, preferring the phone-number form Baileys 7 gives next to a LID. */
export function chatOf(key: WAMessageKey): string {
  const jid = pick(key.remoteJid, key.remoteJidAlt);
  return fromJid(jid);
}

/** Who sent a message: the participant in a group, the chat otherwise. */
export function senderOf(key: WAMessageKey): string {
  const remote = key.remoteJid ?? '';
  if (isGroupJid(remote)) return fromJid(pick(key.participant ?? undefined, key.participantAlt) || remote);
  return chatOf(key);
}

function pick(jid: string | null | undefined, alt: string | undefined): string {
  if (jid?.endsWith('@lid') && alt !== undefined && alt.length > 0) return alt;
  return jid ?? alt ?? '';
}
