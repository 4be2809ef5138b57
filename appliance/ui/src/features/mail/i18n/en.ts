/** English texts of the mail area; the key set the other languages must match. */
const en = {
  'mail.title': "Mail",
  'mail.nav': "Mail",
  'mail.threads': "Conversations",
  'mail.pick': "Choose a conversation on the left.",
  'mail.empty': "No mail for you yet.",
  'mail.emptyHint': "Mail from your mailboxes appears here as it arrives.",
  'mail.noSubject': "(no subject)",
  'mail.hasAttachments': "Has attachments",
  'mail.mine': "Mine",
  'mail.state.new': "New",
  'mail.state.waiting': "Waiting",
  'mail.state.answered': "Answered",
  'mail.notFound': "This conversation is not among the ones you may see.",
  'mail.sent': "Sent.",
  'mail.onBehalfOf': "Delegated to you on behalf of {name}",
  'mail.assignedToMe': "Assigned to you",
  'mail.assignedTo': "Assigned to {name}",
  'mail.unassigned': "Not assigned to anyone",
  'mail.byRule': "rule “{rule}”",
  'mail.to': "To",
  'mail.cc': "Cc",
  'mail.remoteOff': "Remote images are off (they can tell the sender you read this).",
  'mail.remoteShow': "Show images",
  'mail.bodyTitle': "Message: {subject}",
  'mail.attachments': "Attachments",
  'mail.reply': "Reply",
  'mail.replyAll': "Reply all",
  'mail.forward': "Forward",
  'mail.quoteHeader': "On {date}, {name} wrote:",
  'mail.subject': "Subject",
  'mail.template': "Template",
  'mail.templatePick': "Insert a template…",
  'mail.templateNone': "No templates yet",
  'mail.templateSave': "Save text as template",
  'mail.templateName': "Template name",
  'mail.text': "Message",
  'mail.signature': "My signature",
  'mail.send': "Send",
};
export default en;

declare module '../../../i18n/index.js' {
  interface AreaMessages {
    mail: typeof en;
  }
}
