import { expect } from 'chai';
import { openDatabase, runMigrations, type Db } from '../../appliance/core/db.js';
import { coreMigrations } from '../../appliance/core/migrations.js';
import { callsMigrations } from '../../appliance/calls/migrations.js';
import { CallsRepository } from '../../appliance/calls/repository.js';
import { newCall, summarize, type CallState, type Leg } from '../../appliance/calls/machine.js';

/** The call lists an operator opens and the open-call query after a reconnect read indexes, never the whole table. */
describe('calls: indexed lists', () => {
  let db: Db;
  beforeEach(() => {
    db = openDatabase(':memory:');
    runMigrations(db, coreMigrations);
    const now = new Date().toISOString();
    for (const name of ['a', 'b', 'c']) {
      db.prepare("INSERT INTO users (username, password_hash, display_name, role, created_at, updated_at) VALUES (?, 'x', ?, 'operator', ?, ?)").run(name, name, now, now);
    }
  });
  afterEach(() => db.close());

  const leg = (uniqueId: string, operatorId: number | null): Leg => ({
    uniqueId, channel: `PJSIP/${uniqueId}`, endpoint: `PJSIP/${uniqueId}`, role: operatorId === null ? 'external' : 'operator', operatorId,
    firstState: 'up', createdAt: '2026-01-01T00:00:00.000Z', ringingAt: null, upAt: null, endedAt: null, cause: null, dialStatus: null,
    callerNum: null, exten: null, dialled: null, congestion: false, busy: false, held: false, holds: 0, transferredTo: null,
  });

  function store(repo: CallsRepository, linkedId: string, startedAt: string, operators: number[], ended: boolean): number {
    const { id } = repo.ensure(linkedId, startedAt, startedAt);
    const call: CallState = { ...newCall(linkedId, new Date(startedAt)), legs: [leg(`${linkedId}-x`, null), ...operators.map((o, i) => leg(`${linkedId}-${i}`, o))], endedAt: ended ? startedAt : null };
    repo.saveMany([{ id, call, summary: summarize(call), contactId: null }], startedAt);
    return id;
  }

  it('existing calls get their operators indexed by the migration', () => {
    runMigrations(db, callsMigrations.slice(0, 1));
    const insert = db.prepare("INSERT INTO calls (linked_id, direction, started_at, legs, operator_ids, updated_at) VALUES (?, 'inbound', ?, '[]', ?, ?)");
    insert.run('l1', '2026-01-01T10:00:00.000Z', ',1,2,', 'x');
    insert.run('l2', '2026-01-02T10:00:00.000Z', ',2,', 'x');
    insert.run('l3', '2026-01-03T10:00:00.000Z', '', 'x');
    runMigrations(db, callsMigrations);
    const rows = db.prepare('SELECT operator_id, call_id FROM call_operators ORDER BY operator_id, call_id').all();
    expect(rows).to.deep.equal([{ operator_id: 1, call_id: 1 }, { operator_id: 2, call_id: 1 }, { operator_id: 2, call_id: 2 }]);
  });

  it("an operator's list holds only their calls, newest first, through the operator index", () => {
    runMigrations(db, callsMigrations);
    const repo = new CallsRepository(db);
    store(repo, 'a', '2026-01-01T10:00:00.000Z', [1], true);
    store(repo, 'b', '2026-01-02T10:00:00.000Z', [2], true);
    store(repo, 'c', '2026-01-03T10:00:00.000Z', [1, 2], true);
    store(repo, 'd', '2026-01-04T10:00:00.000Z', [], false);
    expect(repo.list({ from: null, to: null, limit: 10, operatorId: 1 }).map((c) => c.linkedId)).to.deep.equal(['c', 'a']);
    expect(repo.list({ from: '2026-01-02T00:00:00.000Z', to: null, limit: 10, operatorId: 2 }).map((c) => c.linkedId)).to.deep.equal(['c', 'b']);
    expect(repo.list({ from: null, to: null, limit: 10, operatorId: 3 })).to.deep.equal([]);
    expect(repo.list({ from: null, to: null, limit: 10, operatorId: null }).map((c) => c.linkedId)).to.deep.equal(['d', 'c', 'b', 'a']);
    const plan = (db.prepare("EXPLAIN QUERY PLAN SELECT 1 FROM call_operators o CROSS JOIN calls c ON c.id = o.call_id WHERE o.operator_id = 1 ORDER BY o.started_at DESC, o.call_id DESC LIMIT 5").all() as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan).to.match(/SEARCH o USING PRIMARY KEY \(operator_id=\?\)/);
    expect(plan).not.to.match(/SCAN|TEMP B-TREE/);
  });

  it('an operator leaving a call on a later save leaves its index; a deleted call leaves no entry', () => {
    runMigrations(db, callsMigrations);
    const repo = new CallsRepository(db);
    const id = store(repo, 'a', '2026-01-01T10:00:00.000Z', [1, 2], false);
    store(repo, 'a', '2026-01-01T10:00:00.000Z', [2], true);
    expect(repo.list({ from: null, to: null, limit: 10, operatorId: 1 })).to.have.length(0);
    expect(repo.list({ from: null, to: null, limit: 10, operatorId: 2 })).to.have.length(1);
    repo.delete(id);
    expect(db.prepare('SELECT count(*) AS n FROM call_operators').get()).to.deep.equal({ n: 0 });
  });

  it('open calls come from the partial index', () => {
    runMigrations(db, callsMigrations);
    const repo = new CallsRepository(db);
    store(repo, 'done', '2026-01-01T10:00:00.000Z', [1], true);
    store(repo, 'open', '2026-01-02T10:00:00.000Z', [1], false);
    expect(repo.openLinkedIds()).to.deep.equal(['open']);
    const plan = (db.prepare('EXPLAIN QUERY PLAN SELECT linked_id FROM calls WHERE ended_at IS NULL').all() as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan).to.match(/calls_open/);
  });
});
