/**
 * The ringing sound, made with Web Audio (no sound file to ship): 425 Hz, one second on and
 * four off, the European ring cadence Ukrainian phones use.
 */
export class Ringer {
  private context: AudioContext | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;

  start(): void {
    if (this.timer) return;
    try {
      this.context ??= new AudioContext();
      void this.context.resume();
    } catch {
      return; // No audio output: the visual ringing state still shows.
    }
    const ring = () => {
      const ctx = this.context!;
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = 425;
      gain.gain.value = 0.15;
      osc.connect(gain).connect(ctx.destination);
      osc.start();
      osc.stop(ctx.currentTime + 1);
    };
    ring();
    this.timer = setInterval(ring, 5000);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  get ringing(): boolean {
    return this.timer !== null;
  }

  dispose(): void {
    this.stop();
    void this.context?.close();
    this.context = null;
  }
}
