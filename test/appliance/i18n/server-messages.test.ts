import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IntlMessageFormat } from 'intl-messageformat';
import { LANGUAGES, type Language } from '../../../appliance/config.js';
import { errorCodes, errorSpec } from '../../../appliance/core/errors.js';
import { messagesOf, translate } from '../../../appliance/core/i18n.js';
import { capabilities } from '../../../appliance/capabilities.js';
import { buildTestApp, type TestApp } from '../../support/test-app.js';

const applianceDir = fileURLToPath(new URL('../../../appliance/', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || relative(applianceDir, path) === 'ui') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

type Ast = ReturnType<IntlMessageFormat['getAst']>;

/** Argument names and plural category sets used by a message, walking nested plurals and tags. */
function walk(ast: Ast, args: Set<string>, plurals: string[][]): void {
  for (const el of ast as Array<{ type: number; value?: string; options?: Record<string, { value: Ast }>; children?: Ast }>) {
    if ([1, 2, 3, 4, 5, 6].includes(el.type) && el.value) args.add(el.value);
    if (el.type === 6 && el.options) plurals.push(Object.keys(el.options));
    if (el.options) for (const o of Object.values(el.options)) walk(o.value, args, plurals);
    if (el.children) walk(el.children, args, plurals);
  }
}

function integerCategories(language: Language): string[] {
  const rules = new Intl.PluralRules(language);
  const seen = new Set<string>();
  for (let i = 0; i <= 1000; i++) seen.add(rules.select(i));
  return [...seen];
}

describe('server messages in seven languages (every capability loaded)', () => {
  let t: TestApp;
  let sources: { path: string; text: string }[];
  before(async () => {
    t = await buildTestApp();
    sources = sourceFiles(applianceDir).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
    // Only the core and the capabilities the app loads: a folder not yet listed in capabilities.ts is not part of the product.
    const loaded = new Set(['core', ...capabilities.map((c) => c.name)]);
    sources = sources.filter((s) => {
      const top = relative(applianceDir, s.path).split('/')[0]!;
      return top.endsWith('.ts') || loaded.has(top);
    });
  });
  after(async () => t.close());

  // English error texts may live in the catalogue itself (`defineErrors`), which is the fallback.
  const englishOf = (key: string) =>
    messagesOf('en')[key] ?? (key.startsWith('errors.') ? errorSpec(key.slice('errors.'.length))?.message : undefined);
  const allKeys = () => {
    const keys = new Set(errorCodes().map((c) => `errors.${c}`));
    for (const language of LANGUAGES) for (const k of Object.keys(messagesOf(language))) keys.add(k);
    return [...keys].sort();
  };

  it('has every key in every language: each defined error code and each other message', () => {
    const missing: string[] = [];
    for (const key of allKeys()) {
      for (const language of LANGUAGES) {
        const text = language === 'en' ? englishOf(key) : messagesOf(language)[key];
        if (text === undefined) missing.push(`${language}: ${key}`);
      }
    }
    expect(missing, 'messages missing').to.deep.equal([]);
  });

  it('has no unused key: each names a defined error code or is referenced by the code', () => {
    const codes = new Set(errorCodes());
    const unused: string[] = [];
    for (const language of LANGUAGES) {
      for (const key of Object.keys(messagesOf(language))) {
        if (key.startsWith('errors.')) {
          if (!codes.has(key.slice('errors.'.length))) unused.push(`${language}: ${key} (no such error code)`);
        } else if (!sources.some((s) => s.text.includes(`'${key}'`) || s.text.includes(`"${key}"`) || s.text.includes(`\`${key}\``))) {
          unused.push(`${language}: ${key} (not referenced by any code)`);
        }
      }
    }
    expect(unused, 'unused keys').to.deep.equal([]);
  });

  it('every code thrown in the source is defined, and every code defined by contacts and users is thrown somewhere', () => {
    const codes = new Set(errorCodes());
    const thrown = new Set<string>();
    for (const s of sources) for (const m of s.text.matchAll(/new AppError\(\s*'([A-Z][A-Z0-9_]*)'/g)) thrown.add(m[1]!);
    expect([...thrown].filter((c) => !codes.has(c)), 'thrown but not defined').to.deep.equal([]);
    const mine = sources.filter((s) => /appliance\/(contacts|users)\/errors\.ts$/.test(s.path));
    expect(mine).to.have.length(2);
    const rest = sources.filter((s) => !mine.includes(s)).map((s) => s.text).join('\n');
    const definedHere = mine.flatMap((s) => [...s.text.matchAll(/^ {2}([A-Z][A-Z0-9_]*): \{ status/gm)].map((m) => m[1]!));
    expect(definedHere.length).to.be.greaterThan(20);
    expect(definedHere.filter((c) => !rest.includes(`'${c}'`)), 'defined but never used').to.deep.equal([]);
  });

  it('every message is valid ICU, uses the same arguments as English, and has each plural form its language needs', () => {
    const problems: string[] = [];
    for (const key of allKeys()) {
      const english = englishOf(key);
      if (english === undefined) continue;
      const englishArgs = new Set<string>();
      walk(new IntlMessageFormat(english, 'en').getAst(), englishArgs, []);
      for (const language of LANGUAGES) {
        const text = language === 'en' ? english : messagesOf(language)[key];
        if (text === undefined) continue;
        let ast: Ast;
        try {
          ast = new IntlMessageFormat(text, language).getAst();
        } catch (err) {
          problems.push(`${language} ${key}: not valid ICU (${(err as Error).message})`);
          continue;
        }
        const args = new Set<string>();
        const plurals: string[][] = [];
        walk(ast, args, plurals);
        const a = [...args].sort().join(',');
        const e = [...englishArgs].sort().join(',');
        if (a !== e) problems.push(`${language} ${key}: arguments {${a}} differ from English {${e}}`);
        for (const options of plurals) {
          const lacking = integerCategories(language).filter((c) => !options.includes(c) && !options.some((o) => o.startsWith('=')));
          if (!options.includes('other')) lacking.push('other');
          if (lacking.length) problems.push(`${language} ${key}: plural lacks ${lacking.join(', ')}`);
        }
      }
    }
    expect(problems).to.deep.equal([]);
  });

  it('Ukrainian and Russian plurals are not English ones', () => {
    const uk = (n: number) => translate('uk', 'errors.CSV_ROWS_INVALID', { count: n });
    expect(uk(1)).to.match(/^1 рядок містить помилку/);
    expect(uk(3)).to.match(/^3 рядки містять/);
    expect(uk(5)).to.match(/^5 рядків/);
    expect(uk(21)).to.match(/^21 рядок містить/);
    const ru = (n: number) => translate('ru', 'errors.TOO_MANY_ATTEMPTS', { seconds: n });
    expect(ru(1)).to.contain('1 секунду');
    expect(ru(2)).to.contain('2 секунды');
    expect(ru(11)).to.contain('11 секунд.');
    expect(translate('en', 'errors.TOO_MANY_ATTEMPTS', { seconds: 1 })).to.contain('1 second.');
  });

  it('answers API errors in the user’s language, or Accept-Language before login, with English as the default', async () => {
    const admin = await t.userClient('admin');
    await admin.request('PUT', '/api/v1/me/language', { language: 'de' });
    const de = await admin.request('GET', '/api/v1/contacts/99999');
    expect(de.json().error).to.deep.equal({ code: 'CONTACT_NOT_FOUND', message: 'Es gibt keinen Kontakt 99999.' });
    const anon = await t.app.inject({ method: 'GET', url: '/api/v1/contacts', headers: { 'accept-language': 'uk-UA,uk;q=0.9,en;q=0.5' } });
    expect(anon.json().error).to.deep.equal({ code: 'AUTH_REQUIRED', message: 'Будь ласка, увійдіть.' });
    const unknown = await t.app.inject({ method: 'GET', url: '/api/v1/contacts', headers: { 'accept-language': 'tlh' } });
    expect(unknown.json().error.message).to.equal('Please log in.');
    for (const language of LANGUAGES) {
      await admin.request('PUT', '/api/v1/me/language', { language });
      const res = await admin.request('POST', '/api/v1/contacts', { name: 'x', phones: ['12'] });
      expect(res.json().error.message, language).to.equal(translate(language, 'errors.PHONE_INVALID', { position: 2 }).replace('2', '1'));
    }
  });
});
