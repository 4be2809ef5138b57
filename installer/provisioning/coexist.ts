import { isAbsolute, join } from 'node:path';
import type { FilesPort } from '../ports/asterisk.js';
import type { ProvisioningModel } from './model.js';
import type { RenderedFile } from './render.js';

/**
 * Coexistence with an administrator's Asterisk configuration, checked before anything is
 * written. Asterisk does not fail loudly when two configurations collide: a second UDP transport
 * on a taken address fails to bind and its endpoints are left without one, a queue defined twice
 * keeps the first definition, and a `[general](+)` key the main file already sets is ignored
 * (Asterisk reads the first). Each such collision is named here — file, section, value and what
 * contactbox wanted — so provisioning stops instead of reporting success on half a configuration.
 */
export interface Conflict {
  /** The administrator's file (relative to the configuration folder when inside it). */
  file: string;
  section: string;
  detail: string;
  fix: string;
}

interface Section {
  file: string;
  name: string;
  options: [string, string][];
}

const OURS = /_contactbox\.conf$/;

/** Sections of a main file and of the files it includes (not ours), in reading order. Unreadable files are skipped. */
export function readSections(etcDir: string, main: string, files: Pick<FilesPort, 'read'>, skip: readonly string[] = []): Section[] {
  const out: Section[] = [];
  const seen = new Set<string>();
  const visit = (name: string, depth: number) => {
    const path = isAbsolute(name) ? name : join(etcDir, name);
    if (seen.has(path) || depth > 4 || OURS.test(name) || skip.includes(path)) return;
    seen.add(path);
    let text: string | null;
    try {
      text = files.read(path);
    } catch {
      return;
    }
    if (text === null) return;
    let current: Section | null = null;
    for (const raw of text.split('\n')) {
      const line = raw.replace(/;.*$/, '').trim();
      if (!line) continue;
      const include = /^#(?:try)?include\s+"?([^"\s]+)"?/.exec(line);
      if (include) {
        visit(include[1]!, depth + 1);
        continue;
      }
      const head = /^\[([^\]]+)\]/.exec(line);
      if (head) {
        current = { file: name, name: head[1]!.trim(), options: [] };
        out.push(current);
        continue;
      }
      const kv = /^([^=]+?)\s*=>?\s*(.*)$/.exec(line);
      if (kv && current) current.options.push([kv[1]!.trim().toLowerCase(), kv[2]!.trim()]);
    }
  };
  visit(main, 0);
  return out;
}

const option = (s: Section, key: string) => s.options.find(([k]) => k === key)?.[1];

/** `0.0.0.0:5060`, `192.0.2.1`, `[::]:5061` → address and port (pjsip's default port is 5060). */
function bindOf(value: string | undefined): { host: string; port: number } {
  const v = (value ?? '0.0.0.0').trim();
  const v6 = /^\[([^\]]*)\](?::(\d+))?$/.exec(v);
  if (v6) return { host: v6[1] || '::', port: v6[2] ? Number(v6[2]) : 5060 };
  const [host, port] = v.split(':');
  return { host: host || '0.0.0.0', port: port ? Number(port) : 5060 };
}

const overlaps = (a: string, b: string) => a === b || ['0.0.0.0', '::', ''].includes(a) || ['0.0.0.0', '::', ''].includes(b);

/** Names of the sections in one of our rendered files (for clashes with the admin's objects). */
function ourSections(content: string): { name: string; plus: boolean; options: [string, string][] }[] {
  const out: { name: string; plus: boolean; options: [string, string][] }[] = [];
  for (const raw of content.split('\n')) {
    const line = raw.replace(/;.*$/, '').trim();
    const head = /^\[([^\]]+)\](\(([^)]*)\))?/.exec(line);
    if (head) {
      out.push({ name: head[1]!, plus: (head[3] ?? '').includes('+'), options: [] });
      continue;
    }
    const kv = /^([^=#]+?)\s*=>?\s*(.*)$/.exec(line);
    if (kv && out.length) out.at(-1)!.options.push([kv[1]!.trim().toLowerCase(), kv[2]!.trim()]);
  }
  return out;
}

export function findConflicts(model: ProvisioningModel, rendered: readonly RenderedFile[], etcDir: string, files: Pick<FilesPort, 'read'>): Conflict[] {
  const conflicts: Conflict[] = [];
  const skip = model.operatorsFile ? [model.operatorsFile] : [];
  for (const file of rendered) {
    const admin = readSections(etcDir, file.main, files, skip);
    const ours = ourSections(file.content);

    if (file.main === 'pjsip.conf') {
      const wanted = [
        { protocol: 'udp', port: model.sip.udpPort },
        { protocol: 'tcp', port: model.sip.tcpPort },
      ];
      for (const s of admin.filter((x) => option(x, 'type') === 'transport')) {
        const protocol = (option(s, 'protocol') ?? 'udp').toLowerCase();
        const bind = bindOf(option(s, 'bind'));
        const clash = wanted.find((w) => w.protocol === protocol && w.port === bind.port && overlaps(bind.host, model.sip.bindAddress));
        if (clash) {
          conflicts.push({
            file: s.file,
            section: s.name,
            detail: `transport [${s.name}] already binds ${protocol} ${bind.host}:${bind.port}, where contactbox's own ${protocol} transport wants ${model.sip.bindAddress}:${clash.port} (the second bind fails and its endpoints are left without a transport)`,
            fix: 'give contactbox another SIP port (telephony.sipPort) or bind address (telephony.sipBindAddress) in the answers file',
          });
        }
      }
    }

    const ourNames = new Set(ours.filter((s) => !s.plus && s.name !== 'general').map((s) => s.name));
    for (const s of admin) {
      if (!ourNames.has(s.name)) continue;
      const what = file.main === 'queues.conf' ? 'queue' : file.main === 'extensions.conf' ? 'context' : file.main === 'manager.conf' ? 'manager user' : file.main === 'ari.conf' ? 'ARI user' : 'object';
      conflicts.push({
        file: s.file,
        section: s.name,
        detail: `${what} [${s.name}] is already defined there, so Asterisk would skip contactbox's own [${s.name}]`,
        fix:
          file.main === 'queues.conf'
            ? "name contactbox's queues differently (telephony.queues and operatorQueues in the answers file) or rename yours"
            : `rename or remove your [${s.name}]`,
      });
    }

    // `[general](+)`: keys the main file already sets win over ours; a different value is a conflict.
    const general = ours.find((s) => s.name === 'general' && s.plus);
    if (general) {
      const theirs = admin.filter((s) => s.name === 'general');
      // rtp.conf keeps the first value of a key (ours would be ignored); manager.conf and http.conf
      // the last (ours would silently replace the administrator's). Seen on Asterisk 22.10.1.
      const outcome = file.main === 'rtp.conf' ? "Asterisk keeps the first value, so contactbox's would be ignored" : "Asterisk keeps the last value, so contactbox's would replace yours";
      for (const [key, value] of general.options) {
        // Switching the interface on is what contactbox is installed for (Debian ships AMI off).
        if (key === 'enabled') continue;
        for (const s of theirs) {
          const existing = option(s, key);
          if (existing !== undefined && existing.toLowerCase() !== value.toLowerCase()) {
            conflicts.push({
              file: s.file,
              section: 'general',
              detail: `[general] sets ${key} = ${existing}, where contactbox needs ${key} = ${value} (${outcome})`,
              fix: key.startsWith('rtp')
                ? `set telephony.rtp in the answers file to your range, or remove ${key} from ${s.file}`
                : key === 'port' || key === 'bindport'
                  ? `give contactbox the same port in the answers file (telephony.amiPort / telephony.httpPort), or remove ${key} from ${s.file}`
                  : `remove ${key} from ${s.file} or set it to ${value}`,
            });
          }
        }
      }
    }
  }
  return conflicts;
}

export function describeConflicts(etcDir: string, conflicts: readonly Conflict[]): string {
  return conflicts.map((c) => `${join(etcDir, c.file)}: ${c.detail} — ${c.fix}`).join('; ');
}
