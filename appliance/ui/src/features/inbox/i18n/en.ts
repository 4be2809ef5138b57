/** English texts of the inbox area; the key set the other languages must match. */
const en = {
  'inbox.title': "Inbox",
  'inbox.nav': "Inbox",
  'inbox.tabs': "Dialogs",
  'inbox.tab.mine': "Mine",
  'inbox.tab.new': "New",
  'inbox.tab.waiting': "Waiting",
  'inbox.tab.done': "Done",
  'inbox.empty': "Nothing is waiting here.",
  'inbox.emptyDone': "Nothing finished yet.",
  'inbox.channel.mail': "E-mail",
  'inbox.channel.call': "Call",
  'inbox.missedCall': "Missed call",
  'inbox.call': "Call",
};
export default en;

declare module '../../../i18n/index.js' {
  interface AreaMessages {
    inbox: typeof en;
  }
}
