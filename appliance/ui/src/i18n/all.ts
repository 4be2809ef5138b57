import { areaFile, mergeCatalogues, type Catalogue, type Language } from './index.js';

// Every feature area's catalogues, found by file name at build time (Vite), so adding an area
// touches no shared file. Node-side tests load the same files with `loadAreaCatalogues`.
const files = import.meta.glob<Catalogue>('../features/*/i18n/*.ts', { eager: true, import: 'default' });
const areas: Record<string, Partial<Record<Language, Catalogue>>> = {};
for (const [path, messages] of Object.entries(files)) {
  const where = areaFile(path);
  if (where) (areas[where.area] ??= {})[where.language] = messages;
}

export const catalogues = mergeCatalogues(areas);
