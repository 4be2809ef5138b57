import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { areaFile, mergeCatalogues, LANGUAGES, type Catalogue, type Language } from '../../appliance/ui/src/i18n/index.js';
import { uiSourceDir } from '../support/browser.js';

/** The core texts merged with every feature area's `features/<area>/i18n/<language>.ts`, as the browser does. */
async function loadCatalogues(): Promise<Record<Language, Catalogue>> {
  const featuresDir = join(uiSourceDir, 'src/features');
  const areas: Record<string, Partial<Record<Language, Catalogue>>> = {};
  for (const area of readdirSync(featuresDir)) {
    const dir = join(featuresDir, area, 'i18n');
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir)) {
      const where = areaFile(join(dir, file));
      if (where) (areas[where.area] ??= {})[where.language] = ((await import(join(dir, file))) as { default: Catalogue }).default;
    }
  }
  return mergeCatalogues(areas);
}
const catalogues = await loadCatalogues();

function sources(dir: string): Array<{ path: string; text: string }> {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'i18n' ? [] : sources(path);
    return /\.(tsx?|html)$/.test(name) ? [{ path, text: readFileSync(path, 'utf8') }] : [];
  });
}

/** Argument names and, per plural argument, its option keys. */
function shape(elements: MessageFormatElement[], out = { args: new Set<string>(), plurals: new Map<string, string[]>() }) {
  for (const el of elements) {
    if (el.type === TYPE.argument || el.type === TYPE.number || el.type === TYPE.date || el.type === TYPE.time) out.args.add(el.value);
    if (el.type === TYPE.plural || el.type === TYPE.select) {
      out.args.add(el.value);
      if (el.type === TYPE.plural) out.plurals.set(el.value, Object.keys(el.options));
      for (const option of Object.values(el.options)) shape(option.value, out);
    }
    if (el.type === TYPE.tag) shape(el.children, out);
  }
  return out;
}

describe('UI text: seven complete catalogues, ICU plurals, every key used, nothing rendered as HTML', () => {
  const en = catalogues.en;
  const keys = Object.keys(en).sort();
  const code = sources(join(uiSourceDir, 'src')).concat(sources(uiSourceDir).filter((f) => f.path.endsWith('index.html')));

  it('has the same keys in uk ru en fr de es pt', () => {
    for (const lang of LANGUAGES) {
      const have = Object.keys(catalogues[lang]).sort();
      expect(have.filter((k) => !keys.includes(k)), `extra keys in ${lang}`).to.deep.equal([]);
      expect(keys.filter((k) => !have.includes(k)), `missing keys in ${lang}`).to.deep.equal([]);
      for (const k of keys) expect(catalogues[lang][k as keyof typeof en].trim(), `${lang} ${k} is empty`).to.not.equal('');
    }
  });

  it('parses every message, with the same arguments as English, and formats it', () => {
    for (const key of keys) {
      const reference = shape(parse(en[key as keyof typeof en]));
      for (const lang of LANGUAGES) {
        const text = catalogues[lang][key as keyof typeof en];
        const s = shape(parse(text));
        expect([...s.args].sort(), `${lang} ${key}`).to.deep.equal([...reference.args].sort());
        const params = Object.fromEntries([...s.args].map((a) => [a, s.plurals.has(a) ? 3 : 'x']));
        expect(() => new IntlMessageFormat(text, lang).format(params), `${lang} ${key}`).to.not.throw();
      }
    }
  });

  it('uses each language’s plural categories (one/few/many for uk and ru)', () => {
    for (const key of keys) {
      for (const lang of LANGUAGES) {
        const { plurals } = shape(parse(catalogues[lang][key as keyof typeof en]));
        const needed = new Intl.PluralRules(lang).resolvedOptions().pluralCategories.filter((c) => c !== 'zero' && !(lang === 'fr' || lang === 'es' || lang === 'pt' ? c === 'many' : false));
        for (const [arg, options] of plurals) {
          expect(options, `${lang} ${key} {${arg}} lacks a plural category`).to.include.members(needed);
        }
      }
    }
    // The distinction that matters: 2, 5 and 21 are different words in Ukrainian.
    const uk = (n: number) => new IntlMessageFormat(catalogues.uk['search.results'], 'uk').format({ count: n });
    expect([uk(1), uk(2), uk(5), uk(21)]).to.deep.equal(['Знайдено 1 контакт', 'Знайдено 2 контакти', 'Знайдено 5 контактів', 'Знайдено 21 контакт']);
  });

  it('has no unused key and no key used but missing', () => {
    const all = code.map((f) => f.text).join('\n');
    const unused = keys.filter((k) => !all.includes(`'${k}'`) && !all.includes(`"${k}"`));
    expect(unused, 'keys no source file mentions').to.deep.equal([]);
    const used = [...all.matchAll(/\bt\(\s*'([a-z][\w.]*)'/g)].map((m) => m[1]!);
    expect(used.filter((k) => !keys.includes(k)), 'keys used but not in the catalogues').to.deep.equal([]);
  });

  it('never turns text into HTML (no innerHTML, outerHTML, insertAdjacentHTML or document.write)', () => {
    for (const f of code.filter((c) => /\.tsx?$/.test(c.path))) {
      expect(f.text, f.path).to.not.match(/\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|dangerouslySetInnerHTML/);
    }
  });
});
