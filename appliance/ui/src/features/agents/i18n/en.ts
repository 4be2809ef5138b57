/** English texts of the agents area (the supervisors' live view and the top bar's own state). */
const en = {
  'agents.live.title': "Live view",
  'agents.live.nav': "Live view",
  'agents.live.filter': "Show agents",
  'agents.live.all': "All {count}",
  'agents.live.search': "Find an agent",
  'agents.live.list': "Agents",
  'agents.live.empty': "No agents yet.",
  'agents.live.noneMatch': "No agent matches.",
  'agents.live.inState': "Time in this state",
  'agents.live.callIn': "Incoming call, queue {queue}",
  'agents.live.callOut': "Outgoing call",
  'agents.live.chats': "{count, plural, one {# chat} other {# chats}}",
  'agents.live.actions': "Actions for {name}",
  'agents.live.resume': "Resume",
  'agents.live.pause': "Pause…",
  'agents.live.pauseAs': "Pause {name} with a reason",
  'agents.live.logout': "Take out of the queues",
  'agents.status.title': "My state",
  'agents.status.queues': "Choose my queues…",
};
export default en;

declare module '../../../i18n/index.js' {
  interface AreaMessages {
    agents: typeof en;
  }
}
