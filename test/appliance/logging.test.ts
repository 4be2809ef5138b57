import { expect } from 'chai';
import { once } from 'node:events';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { applianceLogger } from '../../appliance/core/logging.js';

/** The appliance's own log file is rotated and bounded, whatever supervises the process. */
describe('logging: rotated, bounded log file', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'contactbox-log-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function close(logger: pino.Logger): Promise<void> {
    const stream = (logger as unknown as Record<symbol, NodeJS.WritableStream & NodeJS.EventEmitter>)[pino.symbols.streamSym]!;
    logger.flush();
    stream.end();
    await once(stream, 'close');
  }

  /** Waits until the file has stopped growing (the transport's thread wrote what it was given). */
  async function settled(file: string): Promise<void> {
    let last = -1;
    for (let i = 0; i < 200; i++) {
      await new Promise((r) => setTimeout(r, 5));
      let size = -1;
      try {
        size = statSync(file).size;
      } catch {
        continue;
      }
      if (size === last) return;
      last = size;
    }
  }

  it('keeps at most `files` files of about `fileSize` each however much is written', async function () {
    this.timeout(60_000);
    const fileSize = 16 * 1024;
    const files = 3;
    const logger = applianceLogger({ dir, level: 'info', fileSize: '16k', files });
    const line = 'x'.repeat(300);
    // 1.2 MB, about twenty-five times what the bound allows, written as a busy appliance would:
    // a burst, then the file catches up (pino-roll rotates when its buffer has drained).
    const CHUNK = 20;
    for (let i = 0; i < 4000; i += CHUNK) {
      for (let j = i; j < i + CHUNK; j++) logger.info({ i: j, line }, 'filler');
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
      await settled(join(dir, 'current.log'));
    }
    logger.info({ last: true }, 'the last line');
    await close(logger);
    const logs = readdirSync(dir).filter((f) => f.endsWith('.log') && !lstatSync(join(dir, f)).isSymbolicLink());
    const bytes = logs.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
    expect(logs.length, logs.join(', ')).to.be.at.most(files);
    expect(logs.length).to.be.at.least(2);
    // A file is rotated after the write that crosses the size, so each may pass it by one line.
    expect(bytes).to.be.at.most(files * (fileSize + CHUNK * 400));
    // The newest lines are kept, reachable through current.log.
    expect(lstatSync(join(dir, 'current.log')).isSymbolicLink()).to.equal(true);
    const current = readFileSync(join(dir, 'current.log'), 'utf8').trim().split('\n');
    expect(JSON.parse(current[current.length - 1]!)).to.include({ last: true, msg: 'the last line' });
  });

  it('drops lines below its level (debug is not written at info)', async () => {
    const logger = applianceLogger({ dir, level: 'info', fileSize: '1m', files: 2 });
    logger.debug('hidden');
    logger.info('shown');
    await close(logger);
    const text = readFileSync(join(dir, 'current.log'), 'utf8');
    expect(text).to.contain('shown');
    expect(text).not.to.contain('hidden');
  });
});
