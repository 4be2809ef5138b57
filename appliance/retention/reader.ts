// The reader thread moved to core (contacts uses it too); retention keeps its import path.
export * from '../core/reader.js';
