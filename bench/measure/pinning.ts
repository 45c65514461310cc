// CPU pinning with taskset(1): the server under test and each ceiling on core 0, the load
// generator (this process, every thread) on core 1, so neither steals the other's cycles.
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

export const serverCore = 0;
export const generatorCore = 1;

/** The command prefix that runs a child on the server core, or nothing when pinning is off. */
export function pinnedCommand(pin: boolean, command: string, args: string[]): { command: string; args: string[] } {
  return pin ? { command: 'taskset', args: ['-c', String(serverCore), command, ...args] } : { command, args };
}

/** Moves this process and all its threads to the generator core. */
export function pinSelfToGeneratorCore(): void {
  execFileSync('taskset', ['-a', '-p', '-c', String(generatorCore), String(process.pid)], { stdio: 'ignore' });
}

export function canPin(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return availableParallelism() >= 2;
  } catch {
    return false;
  }
}
