/**
 * A small interpreter of the dialplan contactbox renders, to prove its behaviour without an
 * Asterisk: pattern matching, priorities and labels, `${…}` substitution, `$[…]` expressions,
 * GROUP()/GROUP_COUNT() shared between channels, Gosub/Return, GotoIf, and the terminal
 * applications. Dial and Queue ask the test what happens (answered calls stay up and keep
 * their GROUP, as in Asterisk, until `hangup()`).
 */
type Priority = { app: string; args: string; label: string | null };
type Context = { includes: string[]; exts: Map<string, Priority[]> };

export function parseDialplan(text: string): Map<string, Context> {
  const contexts = new Map<string, Context>();
  let ctx: Context | null = null;
  let current: Priority[] | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/;.*$/, '').trimEnd();
    if (!line.trim()) continue;
    const head = /^\[([^\]]+)\]/.exec(line);
    if (head) {
      ctx = { includes: [], exts: new Map() };
      contexts.set(head[1]!, ctx);
      continue;
    }
    // [general] options and [globals] variables (kept as `globals` for ${VAR}).
    const setting = /^([A-Za-z0-9_]+)\s*=\s*(.*)$/.exec(line);
    if (setting && !line.includes('=>')) {
      ctx!.exts.set(`=${setting[1]}`, [{ label: null, app: 'Global', args: setting[2]!.trim() }]);
      continue;
    }
    const inc = /^include => (.+)$/.exec(line);
    if (inc) {
      ctx!.includes.push(inc[1]!.trim());
      continue;
    }
    const m = /^(?:exten => ([^,]+),|\s+same => )(1|n)(?:\(([A-Za-z0-9]+)\))?,([A-Za-z]+)\((.*)\)$/.exec(line);
    if (!m) throw new Error(`cannot read dialplan line: ${raw}`);
    if (m[1] !== undefined) {
      if (m[2] !== '1') throw new Error(`first priority must be 1: ${raw}`);
      current = [];
      if (ctx!.exts.has(m[1])) throw new Error(`extension ${m[1]} defined twice`);
      ctx!.exts.set(m[1], current);
    }
    current!.push({ label: m[3] ?? null, app: m[4]!, args: m[5]! });
  }
  return contexts;
}

function patternRegex(pattern: string): RegExp | null {
  if (!pattern.startsWith('_')) return null;
  let re = '';
  for (let i = 1; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === 'X') re += '[0-9]';
    else if (c === 'Z') re += '[1-9]';
    else if (c === 'N') re += '[2-9]';
    else if (c === '.') re += '.+';
    else if (c === '!') re += '.*';
    else if (c === '[') {
      const end = pattern.indexOf(']', i);
      re += `[${pattern.slice(i + 1, end)}]`;
      i = end;
    } else re += c.replace(/[+*#]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export interface Outcome {
  /** How the call ended, or `up` when it is still in a Queue or an answered Dial. */
  state: 'up' | 'hangup' | 'congestion' | 'busy';
  cause: number | null;
  answered: boolean;
  /** Every application executed, as `context,exten,prio App(args)`. */
  trace: string[];
  recordings: string[];
  /** UserEvent(name,body) arguments, in order (the recording subroutine names each file). */
  userEvents: string[];
  dialed: string[];
  queue: string | null;
}

export interface Call {
  id: string;
  outcome: Outcome;
  vars: Map<string, string>;
  hangup(): void;
}

export type DialResult = 'ANSWER' | 'BUSY' | 'NOANSWER' | 'CHANUNAVAIL' | 'CONGESTION';

export class DialplanSim {
  private readonly groups = new Map<string, Map<string, string>>();
  private seq = 0;

  constructor(
    private readonly contexts: Map<string, Context>,
    /** Decides what a Dial to `target` (e.g. `PJSIP/0671234567@goip-ch1`) gives. */
    private readonly dial: (target: string) => DialResult = () => 'ANSWER',
  ) {}

  groupCount(group: string): number {
    let n = 0;
    for (const g of this.groups.values()) for (const [cat, name] of g) if (`${name}@${cat}` === group || (name === group && !group.includes('@'))) n++;
    return n;
  }

  private find(context: string, exten: string, seen = new Set<string>()): { ctx: string; key: string } | null {
    const ctx = this.contexts.get(context);
    if (!ctx || seen.has(context)) return null;
    seen.add(context);
    if (ctx.exts.has(exten)) return { ctx: context, key: exten };
    const patterns = [...ctx.exts.keys()].filter((k) => patternRegex(k)?.test(exten));
    patterns.sort((a, b) => b.replace(/[.!]/g, '').length - a.replace(/[.!]/g, '').length);
    if (patterns[0]) return { ctx: context, key: patterns[0] };
    for (const inc of ctx.includes) {
      const found = this.find(inc, exten, seen);
      if (found) return found;
    }
    return null;
  }

  /** Runs a new channel from `context,exten,1` until it ends or waits (Queue, answered Dial). */
  call(context: string, exten: string, callerNum = '380501112233'): Call {
    const id = `chan-${++this.seq}`;
    const groups = new Map<string, string>();
    this.groups.set(id, groups);
    const vars = new Map<string, string>([['UNIQUEID', `1795599000.${this.seq}`]]);
    for (const [key, [g]] of this.contexts.get('globals')?.exts ?? []) if (key.startsWith('=')) vars.set(key.slice(1), g!.args);
    const outcome: Outcome = { state: 'hangup', cause: null, answered: false, trace: [], recordings: [], userEvents: [], dialed: [], queue: null };
    const stack: { ctx: string; exten: string; prio: number }[] = [];
    let loc = { ctx: context, exten, prio: 1 };
    const sim = this;

    const expand = (s: string): string => {
      let out = s;
      for (let guard = 0; guard < 50; guard++) {
        const m = /\$\{([^${}]+)\}/.exec(out);
        if (!m) break;
        out = out.slice(0, m.index) + value(m[1]!) + out.slice(m.index + m[0].length);
      }
      return out.replace(/\$\[([^\[\]]*)\]/g, (_, expr: string) => String(evalExpr(expr)));
    };
    const value = (name: string): string => {
      const gc = /^GROUP_COUNT\((.+)\)$/.exec(name);
      if (gc) return String(sim.groupCount(gc[1]!));
      if (name === 'CALLERID(num)') return vars.get('CALLERID(num)') ?? callerNum;
      const sub = /^EXTEN:(\d+)$/.exec(name);
      if (sub) return loc.exten.slice(Number(sub[1]));
      if (name === 'EXTEN') return loc.exten;
      return vars.get(name) ?? '';
    };

    for (let steps = 0; steps < 500; steps++) {
      const found = this.find(loc.ctx, loc.exten);
      if (!found) {
        outcome.trace.push(`no extension ${loc.exten} in ${loc.ctx}`);
        outcome.state = 'hangup';
        outcome.cause = 1;
        break;
      }
      const prios = this.contexts.get(found.ctx)!.exts.get(found.key)!;
      const p = prios[loc.prio - 1];
      if (!p) {
        outcome.trace.push(`fell off ${found.ctx},${loc.exten}`);
        break;
      }
      const args = expand(p.args);
      outcome.trace.push(`${found.ctx},${loc.exten},${loc.prio} ${p.app}(${args})`);
      const jump = (target: string) => {
        const parts = target.split(',');
        const label = (ctx: string, ex: string, pr: string) => {
          const list = this.find(ctx, ex) ? this.contexts.get(this.find(ctx, ex)!.ctx)!.exts.get(this.find(ctx, ex)!.key)! : [];
          const idx = /^\d+$/.test(pr) ? Number(pr) : list.findIndex((x) => x.label === pr) + 1;
          if (idx < 1) throw new Error(`no label ${pr} in ${ctx},${ex}`);
          loc = { ctx, exten: ex, prio: idx };
        };
        if (parts.length === 1) label(loc.ctx, loc.exten, parts[0]!);
        else if (parts.length === 2) label(loc.ctx, parts[0]!, parts[1]!);
        else label(parts[0]!, parts[1]!, parts[2]!);
      };
      loc = { ...loc, prio: loc.prio + 1 };
      switch (p.app) {
        case 'NoOp':
        case 'Answer':
          if (p.app === 'Answer') outcome.answered = true;
          continue;
        case 'Set': {
          const eq = args.indexOf('=');
          const key = args.slice(0, eq);
          const val = args.slice(eq + 1);
          const grp = /^GROUP(?:\(([^)]*)\))?$/.exec(key);
          if (grp) {
            const cat = grp[1] ?? '';
            if (val === '') groups.delete(cat);
            else groups.set(cat, val);
          } else vars.set(key, val);
          continue;
        }
        case 'GotoIf': {
          const m = /^([^?]*)\?([^:]*)(?::(.*))?$/.exec(args)!;
          const cond = m[1]!.trim() !== '' && m[1]!.trim() !== '0';
          const dest = cond ? m[2] : m[3];
          if (dest) jump(dest);
          continue;
        }
        case 'Goto':
          jump(args);
          continue;
        case 'Gosub': {
          const m = /^([^,]+),([^,]+),([^(]+)\((.*)\)$/.exec(args)!;
          stack.push(loc);
          m[4]!.split(',').forEach((a, i) => vars.set(`ARG${i + 1}`, a));
          loc = { ctx: m[1]!, exten: m[2]!, prio: Number(m[3]) };
          continue;
        }
        case 'Return':
          vars.set('GOSUB_RETVAL', args);
          loc = stack.pop()!;
          continue;
        case 'MixMonitor':
          outcome.recordings.push(args);
          continue;
        case 'UserEvent':
          outcome.userEvents.push(args);
          continue;
        case 'Queue':
          outcome.answered = true;
          outcome.queue = args.split(',')[0]!;
          outcome.state = 'up';
          break;
        case 'Dial': {
          const target = args.split(',')[0]!;
          outcome.dialed.push(target);
          const result = this.dial(target);
          vars.set('DIALSTATUS', result);
          if (result === 'ANSWER') {
            outcome.state = 'up';
            break;
          }
          continue;
        }
        case 'Playtones':
        case 'Wait':
          continue;
        case 'Hangup':
          outcome.cause = args ? Number(args) : 16;
          // Cause 34 (no circuit/channel available) is how the rendered dialplan ends "no free line".
          outcome.state = outcome.cause === 34 ? 'congestion' : 'hangup';
          break;
        case 'Congestion':
          outcome.state = 'congestion';
          outcome.cause = 34;
          break;
        case 'Busy':
          outcome.state = 'busy';
          outcome.cause = 17;
          break;
        default:
          throw new Error(`the simulator does not know ${p.app}`);
      }
      break;
    }
    if (outcome.state !== 'up') this.groups.delete(id);
    return { id, outcome, vars, hangup: () => this.groups.delete(id) };
  }
}

/** `$[ … ]` as Asterisk's expression parser reads our expressions: | & = != > < and quoted strings. */
export function evalExpr(expr: string): number {
  const tokens = expr.match(/"[^"]*"|!=|>=|<=|[|&=><]|[^\s|&=<>!"]+/g) ?? [];
  let i = 0;
  const term = (): string => {
    const t = tokens[i++] ?? '';
    return t;
  };
  const cmp = (): string => {
    const a = term();
    const op = tokens[i];
    if (op && ['=', '!=', '>', '<', '>=', '<='].includes(op)) {
      i++;
      const b = term();
      const na = Number(a.replace(/"/g, ''));
      const nb = Number(b.replace(/"/g, ''));
      const numeric = a !== '' && b !== '' && !a.startsWith('"') && !b.startsWith('"') && !isNaN(na) && !isNaN(nb);
      const [x, y] = numeric ? [na, nb] : [a, b];
      const r = op === '=' ? x === y : op === '!=' ? x !== y : op === '>' ? x > y : op === '<' ? x < y : op === '>=' ? x >= y : x <= y;
      return r ? '1' : '0';
    }
    return a;
  };
  const and = (): string => {
    let v = cmp();
    while (tokens[i] === '&') {
      i++;
      const w = cmp();
      v = v !== '' && v !== '0' && w !== '' && w !== '0' ? v : '0';
    }
    return v;
  };
  let v = and();
  while (tokens[i] === '|') {
    i++;
    const w = and();
    v = v !== '' && v !== '0' ? v : w !== '' && w !== '0' ? w : '0';
  }
  return v === '' || v === '0' ? 0 : 1;
}
