const en = {
  'chat.nav': 'Chats',
  'chat.title': 'Website chats',
  'chat.waiting': 'Waiting',
  'chat.active': 'In progress',
  'chat.empty': 'No chats here',
  'chat.emptyHint': 'Visitors who write on your websites appear here.',
  'chat.select': 'Choose a chat on the left.',
  'chat.accept': 'Accept',
  'chat.close': 'End chat',
  'chat.send': 'Send',
  'chat.noteToggle': 'Internal note',
  'chat.placeholder': 'Write to the visitor…',
  'chat.notePlaceholder': 'A note for colleagues (the visitor never sees it)…',
  'chat.attach': 'Send a file',
  'chat.replyByEmail': 'Answer by e-mail',
  'chat.replyPlaceholder': 'Your answer, sent by e-mail to the visitor…',
  'chat.typing': 'The visitor is typing…',
  'chat.read': 'Read',
  'chat.verified': 'Verified',
  'chat.position': 'No. {n} in the queue',
  'chat.waitedSince': 'since {time}',
  'chat.leftMessage': 'Left message',
  'chat.canned': 'Canned responses',
  'chat.contact': 'Contact card',
  'chat.ended': 'This chat has ended.',
  'chat.download': 'Download {name}',
  'chat.note': 'Note',
  'chat.you': 'You',
  'chat.visitor': 'Visitor',
  'chat.offline': 'Reconnecting…',
  'chat.rating': 'Rating: {score}/5',
};
export default en;
declare module '../../../i18n/index.js' {
  interface AreaMessages {
    chat: typeof en;
  }
}
