import { session } from '../../app/session.js';
import { ApiError } from '../../api.js';

/** The operators' chat API (`/api/v1/chats`), as the server shapes it (masked for interns already). */
export interface ChatSummary {
  id: number;
  siteId: number;
  siteName: string;
  state: 'waiting' | 'active' | 'closed';
  mode: 'live' | 'message';
  operatorId: number | null;
  operatorName: string | null;
  contactId: number | null;
  visitor: { name: string | null; email: string | null; phone: string | null; verified: boolean; consent: boolean };
  position: number;
  canReplyByEmail: boolean;
  lastSeq: number;
  visitorReadSeq: number;
  rating: number | null;
  createdAt: string;
  language: string;
}

export interface ChatMessage {
  seq: number;
  author: 'visitor' | 'operator' | 'system' | 'note';
  operatorId: number | null;
  operatorName: string | null;
  text: string;
  file: { id: string; name: string; type: string; bytes: number } | null;
  at: string;
}

const api = () => session().api;

export const listChats = (state: string) => api().get<{ items: ChatSummary[] }>(`/api/v1/chats?state=${state}`).then((r) => r.items);
export const getChat = (id: number) => api().get<ChatSummary>(`/api/v1/chats/${id}`);
export const messagesAfter = (id: number, after: number) => api().get<{ items: ChatMessage[] }>(`/api/v1/chats/${id}/messages?after=${after}`).then((r) => r.items);
export const accept = (id: number) => api().post<ChatSummary>(`/api/v1/chats/${id}/accept`);
export const closeChat = (id: number) => api().post<ChatSummary>(`/api/v1/chats/${id}/close`);
export const sendMessage = (id: number, body: { text: string; clientId: string; note?: boolean }) => api().post<ChatMessage>(`/api/v1/chats/${id}/messages`, body);
export const replyByEmail = (id: number, text: string) => api().post<ChatMessage>(`/api/v1/chats/${id}/reply-by-email`, { text });
export const typing = (id: number, on: boolean) => api().post<void>(`/api/v1/chats/${id}/typing`, { on });
export const markRead = (id: number, seq: number) => api().post<void>(`/api/v1/chats/${id}/read`, { seq });
export const transfer = (id: number, to: { operatorId?: number; teamId?: number }) => api().post<ChatSummary>(`/api/v1/chats/${id}/transfer`, to);
export interface TransferTargets {
  operators: { id: number; name: string; online: boolean }[];
  teams: { id: number; name: string }[];
}
export const transferTargets = (id: number) => api().get<TransferTargets>(`/api/v1/chats/${id}/transfer-targets`);
export const canned = (siteId: number, language: string) =>
  api().get<{ items: { title: string; text: string }[] }>(`/api/v1/chats/canned?siteId=${siteId}&language=${language}`).then((r) => r.items);

/** Files go as the raw body; the server keeps them content-addressed and gives them back only as downloads. */
export async function uploadFile(id: number, file: File, clientId: string): Promise<void> {
  const res = await fetch(`/api/v1/chats/${id}/files?name=${encodeURIComponent(file.name)}&clientId=${clientId}`, {
    method: 'POST',
    body: file,
    credentials: 'same-origin',
    headers: { 'content-type': file.type || 'application/octet-stream', 'x-csrf-token': session().api.csrfToken ?? '', 'accept-language': session().i18n.language },
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
    throw new ApiError(res.status, body?.error?.code ?? `HTTP_${res.status}`, body?.error?.message ?? res.statusText, body);
  }
}

export const fileUrl = (chatId: number, fileId: string) => `/api/v1/chats/${chatId}/files/${fileId}`;
