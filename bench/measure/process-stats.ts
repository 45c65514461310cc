// CPU time and memory of a process, read from /proc (proc(5)): utime+stime in clock ticks
// from /proc/<pid>/stat, VmRSS and VmHWM (peak RSS) from /proc/<pid>/status.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** CPU seconds (user + system, all threads) the process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may contain spaces; fields after it start at state (field 3).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks();
}

export interface MemoryUsage {
  rssMb: number;
  peakRssMb: number;
}

export function memoryUsage(pid: number): MemoryUsage {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
}

export interface WindowUsage {
  seconds: number;
  /** Server CPU as a fraction of one core over the window. */
  serverCpu: number;
  /** This process's (the load generator's) CPU as a fraction of one core. */
  generatorCpu: number;
  serverPeakRssMb: number;
  serverRssMb: number;
}

/** Starts a measurement window over the server `pid` and this process; call the result to close it. */
export function startWindow(pid: number): () => WindowUsage {
  const started = process.hrtime.bigint();
  const server = cpuSeconds(pid);
  const self = process.cpuUsage();
  return () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const selfUsed = process.cpuUsage(self);
    const memory = memoryUsage(pid);
    return {
      seconds,
      serverCpu: (cpuSeconds(pid) - server) / seconds,
      generatorCpu: (selfUsed.user + selfUsed.system) / 1e6 / seconds,
      serverPeakRssMb: memory.peakRssMb,
      serverRssMb: memory.rssMb,
    };
  };
}
