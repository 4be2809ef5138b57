/** English texts of the calls area; the key set the other languages must match. */
const en = {
  'calls.title': "Calls",
  'calls.nav': "Calls",
  'calls.filter': "Show",
  'calls.filter.all': "All",
  'calls.filter.missed': "Missed",
  'calls.filter.inbound': "Incoming",
  'calls.filter.outbound': "Outgoing",
  'calls.outcome.answered': "Answered",
  'calls.outcome.missed': "Missed",
  'calls.outcome.abandoned': "Caller hung up",
  'calls.outcome.busy': "Busy",
  'calls.outcome.failed': "Failed",
  'calls.outcome.noChannel': "No line free",
  'calls.outcome.live': "In progress",
  'calls.refresh': "Refresh",
  'calls.empty': "No calls yet.",
  'calls.emptyMissed': "No missed calls. Well done!",
  'calls.list': "Call history",
  'calls.unknown': "Unknown number",
  'calls.direction.inbound': "Incoming call",
  'calls.direction.outbound': "Outgoing call",
  'calls.direction.internal': "Internal call",
  'calls.talk': "Talk time",
  'calls.wait': "waited {time}",
  'calls.recording': "Call recording",
  'calls.play': "Play the recording",
  'calls.callBack': "Call back",
  'calls.callingBack': "Calling {name}: your phone rings first.",
  'calls.spy': "Join the call",
  'calls.spy.listen': "Listen",
  'calls.spy.whisper': "Whisper",
  'calls.spy.barge': "Barge in",
  'calls.spy.ringing': "Your phone rings; answer it to join.",
};
export default en;

declare module '../../../i18n/index.js' {
  interface AreaMessages {
    calls: typeof en;
  }
}
