import { readFile } from 'node:fs/promises';
import type { MachineFacts } from '../fingerprint.js';

/**
 * Reads the facts the fingerprint is made of. Each fact is read on its own and an unreadable
 * one is null (containers have no board or disk serial), never an error: the fingerprint rule
 * tolerates absent facts. systeminformation is imported lazily so that loading the appliance
 * or the CLI does not pay for it until a fingerprint is needed.
 */
export type MachineFactsPort = () => Promise<MachineFacts>;

const usable = (v: unknown): string | null => {
  if (typeof v !== 'string') return null;
  const t = v.trim();
  // Placeholder values firmware writes when a field was never filled.
  if (!t || /^(0+|none|default string|to be filled by o\.e\.m\.|not specified|system serial number|-)$/i.test(t)) return null;
  return t;
};

async function firstOf<T>(...readers: (() => Promise<T | null>)[]): Promise<T | null> {
  for (const read of readers) {
    try {
      const v = await read();
      if (v !== null) return v;
    } catch {
      // try the next source
    }
  }
  return null;
}

export function realMachineFacts(root = '/'): MachineFactsPort {
  return async () => {
    const si = await import('systeminformation');
    // Read side by side: the slow ones (network interfaces, DMI) take ~100 ms each.
    const [machineId, cpuModel, boardId, diskSerial, primaryMac] = await Promise.all([
      firstOf(
        async () => usable(await readFile(`${root}etc/machine-id`, 'utf8')),
        async () => usable(await readFile(`${root}var/lib/dbus/machine-id`, 'utf8')),
      ),
      firstOf(async () => {
        const cpu = await si.cpu();
        return usable(`${cpu.manufacturer} ${cpu.brand}`.trim());
      }),
      firstOf(
        async () => usable((await si.baseboard()).serial),
        async () => usable((await si.system()).uuid),
      ),
      firstOf(async () => {
        const disks = await si.diskLayout();
        return usable(disks.find((d) => usable(d.serialNum))?.serialNum);
      }),
      firstOf(async () => {
        const all = await si.networkInterfaces();
        const list = Array.isArray(all) ? all : [all];
        const byDefault = list.find((i) => i.default && usable(i.mac) && i.mac !== '00:00:00:00:00:00');
        const physical = list.find((i) => !i.internal && !i.virtual && usable(i.mac) && i.mac !== '00:00:00:00:00:00');
        return usable((byDefault ?? physical)?.mac);
      }),
    ]);
    return { machineId, cpuModel, boardId, diskSerial, primaryMac };
  };
}

/** Facts recorded in a JSON file (tests, and development builds only: see service wiring). */
export function recordedMachineFacts(file: string): MachineFactsPort {
  return async () => {
    const raw = JSON.parse(await readFile(file, 'utf8')) as Partial<MachineFacts>;
    const get = (k: keyof MachineFacts) => (typeof raw[k] === 'string' ? (raw[k] as string) : null);
    return { machineId: get('machineId'), cpuModel: get('cpuModel'), boardId: get('boardId'), diskSerial: get('diskSerial'), primaryMac: get('primaryMac') };
  };
}
