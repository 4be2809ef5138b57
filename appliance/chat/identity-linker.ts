import type { Clock } from '../core/clock.js';
import type { ChatRepository, Visitor } from './repository.js';
import type { ContactsPort } from './service.js';

/**
 * Ties a verified visitor to one contact: the same signed id under the same registrable domain
 * always lands on the same contact, on any device or browser. The first time, a signed e-mail
 * may find an existing contact (the site vouches for it); otherwise a lead is made. Only signed
 * claims reach here: what a visitor types in the form never attaches them to an existing contact.
 */
export class IdentityLinker {
  constructor(private readonly d: { repo: ChatRepository; clock: Clock; contacts: () => ContactsPort | null; onLinked: (visitorId: number, contactId: number) => void }) {}

  link(visitor: Visitor, registrableDomain: string, claim: { id: string; email: string | null; name: string | null }): Visitor {
    let contactId = this.d.repo.identity(registrableDomain, claim.id);
    const contacts = this.d.contacts();
    if (contactId === null && contacts) {
      contactId = (claim.email ? contacts.matchEmail(claim.email)?.id : undefined) ?? contacts.createLead({ name: claim.name ?? claim.email ?? claim.id, emails: claim.email ? [claim.email] : [] }).id;
      this.d.repo.insertIdentity(registrableDomain, claim.id, contactId, this.d.clock.now().toISOString());
      // Two first-time visits at once: the row that won decides.
      contactId = this.d.repo.identity(registrableDomain, claim.id) ?? contactId;
    }
    if (contactId === null) return visitor;
    this.d.repo.verifyVisitor(visitor.id, claim.id, contactId, { name: claim.name, email: claim.email });
    const open = this.d.repo.openConversationOf(visitor.id);
    if (open && open.contactId !== contactId) {
      this.d.repo.setContact(open.id, contactId);
      this.d.onLinked(open.id, contactId);
    }
    return this.d.repo.visitor(visitor.id)!;
  }
}
