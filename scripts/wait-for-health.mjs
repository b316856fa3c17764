// Waits until GET /healthz answers (up to 180 s) and prints the number of items in the catalogue.
const base = process.argv[2];
const deadline = Date.now() + 180_000;
for (;;) {
  try {
    const response = await fetch(`${base}/healthz`);
    if (response.ok) {
      console.log((await response.json()).items);
      process.exit(0);
    }
  } catch {
    // not listening yet
  }
  if (Date.now() > deadline) {
    console.error(`serendip: ${base}/healthz did not answer within 180 s`);
    process.exit(1);
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
}
