/**
 * A parsed JSON document that a test reads into or changes by path. Tests
 * break one field of a good fixture at a time; typing every fixture shape
 * would only add casts around the field under test.
 */
// biome-ignore lint/suspicious/noExplicitAny: tests index and mutate parsed JSON fixtures freely (see above).
export type Json = Record<string, any>;
