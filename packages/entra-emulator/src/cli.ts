#!/usr/bin/env node
console.log("entra-emulator: not implemented yet");
