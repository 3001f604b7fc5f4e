// Chevrotain for the CLI bundle: scripts/bundle-cli.mjs puts this module in place of chevrotain.ts.
// esbuild bundles the package itself, so neither the single-file detour nor its top-level await
// (which a CommonJS bundle cannot hold) is needed there.
export { createToken, Lexer, EmbeddedActionsParser, EOF, isRecognitionException, tokenMatcher } from 'chevrotain';
