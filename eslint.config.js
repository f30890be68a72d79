// @ts-check
import eslint from "@eslint/js";
import tseslint from "typescript-eslint";

const timerGlobals = [
  "setTimeout",
  "setImmediate",
  "setInterval",
  "clearTimeout",
  "clearImmediate",
  "clearInterval",
].map((name) => ({
  name,
  message: "only src/internal/clock.ts and src/loop-core.ts may touch real timers",
}));

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "coverage/**", "docs/api/**"] },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": [
        "error",
        {
          allowForKnownSafeCalls: [
            { from: "package", name: ["describe", "it", "test", "suite"], package: "node:test" },
          ],
        },
      ],
      "@typescript-eslint/no-misused-promises": "error",
      // A coroutine that never awaits is ordinary asyncio code (it still runs as a task step).
      "@typescript-eslint/require-await": "off",
      // Futures re-raise whatever was stored in them, as asyncio does.
      "@typescript-eslint/only-throw-error": ["error", { allowThrowingUnknown: true }],
      "@typescript-eslint/switch-exhaustiveness-check": "error",
      "@typescript-eslint/restrict-template-expressions": [
        "error",
        { allowNumber: true, allowBoolean: true },
      ],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-extraneous-class": "off",
    },
  },
  {
    files: ["src/**/*.ts"],
    ignores: ["src/internal/clock.ts", "src/loop-core.ts"],
    rules: { "no-restricted-globals": ["error", ...timerGlobals] },
  },
  {
    files: ["eslint.config.js"],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
