// Skeleton: filled by the emulator issue.
export interface Emulator {
  url: string;
  close(): Promise<void>;
}
