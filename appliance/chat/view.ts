import { maskText, type Masker } from '../core/masking.js';
import type { Conversation, Message, Visitor } from './repository.js';
import type { Site } from './sites-repository.js';

/**
 * What operators see of conversations and messages. Every phone number and e-mail address,
 * in the pre-chat form and in what people wrote, passes through the viewer's masker: interns
 * see them masked in lists, history, live events and transcripts alike.
 */
export function conversationView(c: Conversation, site: Site, visitor: Visitor | null, masker: Masker, extra: { position: number; operatorName: string | null; canReplyByEmail?: boolean }) {
  const form = c.form;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    id: c.id,
    siteId: c.siteId,
    siteName: site.name,
    state: c.state,
    mode: c.mode,
    operatorId: c.operatorId,
    operatorName: extra.operatorName,
    teamId: c.teamId,
    language: c.language,
    contactId: c.contactId,
    visitor: {
      name: maskNullable(str(form.name) ?? visitor?.name ?? null, masker),
      email: masker.email(str(form.email) ?? visitor?.email ?? null),
      phone: masker.phone(str(form.phone) ?? visitor?.phone ?? null),
      verified: visitor?.verified ?? false,
      consent: form.consent === true,
    },
    pageUrl: c.pageUrl ? maskText(c.pageUrl, masker) : null,
    position: extra.position,
    canReplyByEmail: extra.canReplyByEmail ?? false,
    lastSeq: c.lastSeq,
    visitorReadSeq: c.visitorReadSeq,
    operatorReadSeq: c.operatorReadSeq,
    rating: c.rating,
    ratingComment: c.ratingComment === null ? null : maskText(c.ratingComment, masker),
    createdAt: c.createdAt,
    acceptedAt: c.acceptedAt,
    firstResponseAt: c.firstResponseAt,
    closedAt: c.closedAt,
  };
}

export function messageView(m: Message, masker: Masker, operatorName: string | null) {
  return {
    conversationId: m.conversationId,
    seq: m.seq,
    author: m.author,
    operatorId: m.operatorId,
    operatorName,
    clientId: m.clientId,
    text: maskText(m.text, masker),
    file: m.file ? { id: m.file.sha256, name: maskText(m.file.name, masker), type: m.file.type, bytes: m.file.bytes } : null,
    at: m.at,
  };
}

function maskNullable(v: string | null, masker: Masker): string | null {
  return v === null ? null : maskText(v, masker);
}
