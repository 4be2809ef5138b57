import { renderSections, section, type ConfSection } from '../../appliance/trunks/asterisk-conf.js';
import { inboundRoutes, queueOf } from '../../appliance/trunks/routing.js';
import { defaultQueue, type ProvisioningModel, type QueueSpec } from './model.js';
import { operatorEndpoint } from './render-pjsip.js';

/**
 * AMI classes, exactly what the appliance uses. Read: system (FullyBooted, Shutdown), call
 * (channels, dials, bridges, hold, transfers), agent (queue events), user (the recording
 * UserEvent) — not dialplan or reporting (Newexten/VarSet/RTCP floods), not cdr. Write: system
 * (Reload, PJSIPShowEndpoints, CoreShowChannels), call (Hangup, Redirect), originate
 * (Originate), agent (QueueAdd/Remove/Pause/Status).
 */
export const AMI_READ = 'system,call,agent,user';
export const AMI_WRITE = 'system,call,originate,agent';

export function allQueues(m: ProvisioningModel): QueueSpec[] {
  const byName = new Map(m.queues.map((q) => [q.name, q]));
  for (const r of inboundRoutes(m.trunks)) {
    const name = queueOf(r.target);
    if (name && !byName.has(name)) byName.set(name, defaultQueue(name));
  }
  for (const o of m.operators) for (const q of o.queues) if (!byName.has(q)) byName.set(q, defaultQueue(q));
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export function renderQueues(m: ProvisioningModel): string {
  const sections: ConfSection[] = allQueues(m).map((q) => {
    const members = [...m.operators]
      .filter((o) => o.queues.includes(q.name))
      .sort((a, b) => a.endpoint.localeCompare(b.endpoint))
      .map((o) => {
        const iface = `PJSIP/${operatorEndpoint(o)}`;
        return ['member =>', `${iface},0,${o.name.replace(/[,;]/g, ' ')},${iface}`] as const;
      });
    return section(q.name, [
      ['strategy', q.strategy],
      ['timeout', q.ringTimeoutSec],
      ['retry', q.retrySec],
      ['wrapuptime', q.wrapupSec],
      ['maxlen', 0],
      ['joinempty', 'yes'],
      ['leavewhenempty', 'no'],
      ['ringinuse', 'no'],
      ['announce-frequency', 0],
      ['periodic-announce-frequency', 0],
      ['musicclass', 'default'],
      ...members,
    ]);
  });
  return renderSections(sections);
}

const general = (options: ConfSection['options']): ConfSection => ({ name: 'general', inherits: ['+'], options });

export function renderManager(m: ProvisioningModel, secret: string): string {
  return renderSections([
    general([['enabled', 'yes'], ['port', m.ami.port]]),
    section(m.ami.username, [
      ['secret', secret],
      ['deny', '0.0.0.0/0.0.0.0'],
      ['permit', `${m.applianceAddress}/255.255.255.255`],
      ['read', AMI_READ],
      ['write', AMI_WRITE],
      ['writetimeout', 5000],
    ]),
  ]);
}

export function renderAri(m: ProvisioningModel, password: string): string {
  return renderSections([
    general([['enabled', 'yes']]),
    section(m.ari.username, [['type', 'user'], ['read_only', 'no'], ['password', password], ['password_format', 'plain']]),
  ]);
}

export function renderHttp(m: ProvisioningModel): string {
  const tls = m.http.tls;
  return renderSections([
    general([
      ['enabled', 'yes'],
      ['bindaddr', m.http.bindAddress],
      ['bindport', m.http.port],
      ...(tls
        ? ([
            ['tlsenable', 'yes'],
            ['tlsbindaddr', `${tls.bindAddress}:${tls.port}`],
            ['tlscertfile', tls.certFile],
            ['tlsprivatekey', tls.keyFile],
          ] as const)
        : []),
    ]),
  ]);
}

export function renderRtp(m: ProvisioningModel): string {
  return renderSections([general([['rtpstart', m.rtp.start], ['rtpend', m.rtp.end], ['icesupport', 'yes']])]);
}
