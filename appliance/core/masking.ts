import type { SessionUser } from './auth/sessions.js';

/**
 * The one place that decides what a viewer may see of a customer's phone number or e-mail
 * address. API responses, exports, search results and live events all pass values through
 * a `Masker` made for the viewer; nothing else decides.
 */
export interface MaskingPolicy {
  /** Roles that see masked values. */
  maskedRoles: readonly string[];
  /** Digits kept visible at the end of a phone number. */
  phoneVisibleTail: number;
}

export const defaultMaskingPolicy: MaskingPolicy = { maskedRoles: ['intern'], phoneVisibleTail: 2 };

export interface Masker {
  readonly masked: boolean;
  phone(value: string | null | undefined): string | null;
  email(value: string | null | undefined): string | null;
}

/** `+380671234545` → `+380 67 *** ** 45`: country and operator code kept, the subscriber hidden. */
export function maskPhone(value: string, visibleTail = 2): string {
  const digits = value.replace(/\D/g, '');
  const tail = digits.slice(-visibleTail);
  if (digits.length <= visibleTail + 3) return `${'*'.repeat(Math.max(digits.length - visibleTail, 1))}${tail}`;
  const stars = (n: number) => (n > 3 ? `***${' **'.repeat(Math.ceil((n - 3) / 2)).slice(0, n - 3 + Math.ceil((n - 3) / 2))}` : '*'.repeat(n));
  if (digits.startsWith('380') && digits.length === 12) {
    return `+380 ${digits.slice(3, 5)} ${stars(12 - 5 - visibleTail)} ${tail}`;
  }
  const head = digits.slice(0, Math.min(4, digits.length - visibleTail - 3));
  return `+${head} ${stars(digits.length - head.length - visibleTail)} ${tail}`;
}

/** `ivan.petrenko@example.com` → `i***@example.com`. */
export function maskEmail(value: string): string {
  const at = value.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${value[0]}***${value.slice(at)}`;
}

// A run of 7+ digits with the separators people type, and anything shaped like an address.
const PHONE_IN_TEXT = /\+?\d[\d ().-]{5,}\d/g;
// Dates ("25.11.2026", "2026-11-25") have as many digits as a subscriber number but are not one.
const DATE = /^\d{1,4}[-./]\d{1,2}[-./]\d{1,4}$/;
const EMAIL_IN_TEXT = /[^\s@<>(),;:"'[\]]+@[^\s@<>(),;:"'[\]]+\.[A-Za-z]{2,}/g;

/**
 * Free text written by people (names, notes, subjects, bodies) can hold a number or address;
 * for a masked viewer those are masked too, so "interns never see raw values" holds there as well.
 */
export function maskText(text: string, masker: Masker): string {
  if (!masker.masked) return text;
  return text
    .replace(EMAIL_IN_TEXT, (m) => masker.email(m) ?? '***')
    .replace(PHONE_IN_TEXT, (m) => (m.replace(/\D/g, '').length >= 7 && !DATE.test(m.trim()) ? (masker.phone(m) ?? '***') : m));
}

export function maskerFor(viewer: Pick<SessionUser, 'role'> | null, policy: MaskingPolicy = defaultMaskingPolicy): Masker {
  const masked = !viewer || policy.maskedRoles.includes(viewer.role);
  return {
    masked,
    phone: (v) => (v == null ? null : masked ? maskPhone(v, policy.phoneVisibleTail) : v),
    email: (v) => (v == null ? null : masked ? maskEmail(v) : v),
  };
}

/**
 * The masking policy as the admin set it (settings key `masking.policy`), read per call so a
 * change applies to the very next response and live event.
 */
export class MaskingService {
  private readonly read;
  private readonly write;
  constructor(db: import('./db.js').Db, private readonly clock: import('./clock.js').Clock) {
    this.read = db.prepare("SELECT value FROM settings WHERE key = 'masking.policy'");
    this.write = db.prepare(
      "INSERT INTO settings (key, value, updated_at) VALUES ('masking.policy', ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    );
  }

  policy(): MaskingPolicy {
    const row = this.read.get() as { value: string } | undefined;
    return row ? { ...defaultMaskingPolicy, ...(JSON.parse(row.value) as Partial<MaskingPolicy>) } : defaultMaskingPolicy;
  }

  setPolicy(policy: MaskingPolicy): void {
    this.write.run(JSON.stringify(policy), this.clock.now().toISOString());
  }

  forViewer(viewer: Pick<SessionUser, 'role'> | null): Masker {
    return maskerFor(viewer, this.policy());
  }
}
