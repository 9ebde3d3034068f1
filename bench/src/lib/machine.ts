import { cpus, freemem, loadavg, totalmem } from "node:os";

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  node: string;
  platform: string;
  totalMemoryMB: number;
  freeMemoryMB: number;
  /** 1/5/15-minute load averages when the run started and ended: the machine is shared. */
  loadAverageAtStart: number[];
  loadAverageAtEnd?: number[];
  date: string;
}

/** What the figures were measured on; absolute numbers mean little without it. */
export function machineInfo(): MachineInfo {
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model.trim() ?? "unknown",
    cores: cpu.length,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    totalMemoryMB: Math.round(totalmem() / 2 ** 20),
    freeMemoryMB: Math.round(freemem() / 2 ** 20),
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
    date: new Date().toISOString(),
  };
}
