/**
 * Components report their state for `GET /healthz` and `contactbox status`: each capability
 * registers a probe returning a short word (`connected`, `disabled`) or the reason it is not
 * working. The route never throws: a failing probe reports its error text.
 */
export type HealthProbe = () => string | Promise<string>;

export class HealthRegistry {
  private readonly probes = new Map<string, HealthProbe>();

  register(component: string, probe: HealthProbe): void {
    this.probes.set(component, probe);
  }

  async report(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const [name, probe] of this.probes) {
      try {
        out[name] = await probe();
      } catch (err) {
        out[name] = `error: ${(err as Error).message}`;
      }
    }
    return out;
  }
}
