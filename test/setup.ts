// Loaded with --import before every test file: process warnings and unhandled rejections fail
// the run (trio's filterwarnings=error).
process.on("warning", (warning) => {
  if (warning.name === "ExperimentalWarning") return;
  throw warning;
});
process.on("unhandledRejection", (reason) => {
  throw reason;
});
