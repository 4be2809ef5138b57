import type { RouteDef } from './routes.js';

// Every feature area's `routes.ts`, found by file name at build time.
const modules = import.meta.glob<{ routes: readonly RouteDef[] }>('../features/*/routes.ts', { eager: true });

export const allRoutes: readonly RouteDef[] = Object.values(modules).flatMap((m) => m.routes);
