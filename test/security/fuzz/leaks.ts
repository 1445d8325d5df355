// What no fuzzed response may contain: a stack trace, a source path, a library's own words.

export const STACK_TRACE = /\n\s+at [^\n]*[(:]|node_modules\/|\.ts:\d+:\d+/;

/** Words of the libraries under the API (JSON.parse, zod, SQLite, MongoDB, Argon2, Node) and paths. */
export const LIBRARY_TEXT =
  /Unexpected token|Unexpected end of JSON|in JSON at position|SyntaxError|TypeError|RangeError|ReferenceError|Zod|invalid_type|SQLITE_|sqlite|MongoServerError|E11000|argon2|Cannot read propert|is not a function|undefined is not|ERR_[A-Z_]+|node:internal|\/tmp\/|\/work\/|\/home\//;
