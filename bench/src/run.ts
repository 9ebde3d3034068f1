// Skeleton: the benchmarks issue fills this in.
console.log("pnpm bench: not implemented yet");
