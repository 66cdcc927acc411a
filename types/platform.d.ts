// What the core (src/ without src/host) may use of its host platform beyond ES2022: the text
// codecs every browser and Node provide. Only tsconfig.core.json reads this file; the core is
// compiled there without Node's types and without the DOM, so anything else a file takes from
// Node or the browser fails to compile (test/structure.test.ts runs it).

interface TextEncoder {
  encode(input?: string): Uint8Array;
}
declare var TextEncoder: { prototype: TextEncoder; new (): TextEncoder };

interface TextDecoder {
  decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string;
}
declare var TextDecoder: { prototype: TextDecoder; new (label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean }): TextDecoder };
