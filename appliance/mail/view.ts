import type { Masker } from '../core/masking.js';
import type { MailAddress, MessageRow } from './types.js';

const EMAIL_IN_TEXT = /[^\s@<>(),;:"'[\]]+@[^\s@<>(),;:"'[\]]+\.[A-Za-z]{2,}/g;
// A run of 7+ digits with the separators people type; dates have as many digits but are not numbers.
const PHONE_IN_TEXT = /\+?\d[\d ().-]{5,}\d/g;
const DATE = /^\d{1,4}[-./]\d{1,2}[-./]\d{1,4}$/;

function address(a: MailAddress, masker: Masker) {
  return { name: masker.masked ? maskText(a.name, masker) : a.name, address: masker.email(a.address) };
}

/** Addresses and numbers written in names, subjects and bodies are hidden from masked viewers too. */
export function maskText(text: string, masker: Masker): string {
  if (!masker.masked) return text;
  return text
    .replace(EMAIL_IN_TEXT, (m) => masker.email(m) ?? '***')
    .replace(PHONE_IN_TEXT, (m) => (m.replace(/\D/g, '').length >= 7 && !DATE.test(m.trim()) ? (masker.phone(m) ?? '***') : m));
}

export function messageItem(m: MessageRow, masker: Masker) {
  return {
    id: m.id,
    messageId: masker.masked ? maskText(m.messageId, masker) : m.messageId,
    threadId: m.threadId,
    mailboxId: m.mailboxId,
    direction: m.direction,
    subject: maskText(m.subject, masker),
    from: m.from[0] ? address(m.from[0], masker) : null,
    to: m.to.map((a) => address(a, masker)),
    cc: m.cc.map((a) => address(a, masker)),
    date: m.date,
    receivedAt: m.receivedAt,
    assigneeId: m.assigneeId,
    originalAssigneeId: m.originalAssigneeId,
    contactIds: m.contactIds,
    attachments: m.attachments.map((a) => ({ name: a.name, bytes: a.bytes, contentType: a.contentType })),
  };
}

export function messageDetail(m: MessageRow, masker: Masker) {
  return { ...messageItem(m, masker), text: maskText(m.bodyText, masker) };
}

/** A timeline entry: the contacts capability merges these with calls, chats and notes. */
export function timelineItem(m: MessageRow, masker: Masker) {
  return {
    type: 'mail',
    at: m.receivedAt,
    id: m.id,
    direction: m.direction,
    threadId: m.threadId,
    subject: maskText(m.subject, masker),
    from: m.from[0] ? address(m.from[0], masker) : null,
    assigneeId: m.assigneeId,
    attachments: m.attachments.length,
  };
}
