import { Redis } from 'ioredis';

/**
 * Counts the commands a Redis server receives from clients, through MONITOR on a dedicated
 * connection (commands run inside Lua scripts are listed apart). Use it on a server of the
 * test's own, so other test files' traffic is not counted.
 */
export class CommandCounter {
  readonly commands: string[][] = [];
  readonly scripted: string[][] = [];
  #monitor: Redis | undefined;
  #probe: Redis | undefined;

  static async start(url: string): Promise<CommandCounter> {
    const counter = new CommandCounter();
    const monitor = await new Redis(url).monitor();
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (source === 'lua' || source.endsWith(' lua')) counter.scripted.push(args);
      else counter.commands.push(args);
    });
    counter.#monitor = monitor;
    // Make sure MONITOR is live before the test counts: a marker command must show up.
    // The probe connection stays open, so its handshake (INFO) is never counted later.
    const probe = new Redis(url);
    counter.#probe = probe;
    const marker = `__counter_probe_${Date.now()}`;
    for (let i = 0; i < 100 && !counter.commands.some((c) => c[1] === marker); i++) {
      await probe.get(marker);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    counter.commands.length = 0;
    return counter;
  }

  /** Waits until MONITOR has caught up with a marker command, then returns the counts. */
  async settle(): Promise<{ commands: string[][]; scripted: string[][] }> {
    const probe = this.#probe!;
    const marker = `__counter_settle_${Date.now()}_${Math.random()}`;
    await probe.get(marker);
    for (let i = 0; i < 100 && !this.commands.some((c) => c[1] === marker); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const commands = this.commands.filter((c) => c[1] !== marker);
    return { commands, scripted: [...this.scripted] };
  }

  /** Waits until MONITOR has caught up with what was sent so far, then forgets it. */
  async reset(): Promise<void> {
    await this.settle();
    this.commands.length = 0;
    this.scripted.length = 0;
  }

  stop(): void {
    this.#monitor?.disconnect();
    this.#probe?.disconnect();
  }
}
