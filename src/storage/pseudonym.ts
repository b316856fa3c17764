// User ids never reach storage: D1 rows and Durable Object names hold a keyed hash (HMAC-SHA256 with the
// PSEUDONYM_KEY secret, 128 bits in hex). Without the secret a stored row cannot be tied back to a client's id, and
// the service can still find, and erase, everything about a user it is given the id of.
let cached: { secret: string; key: Promise<CryptoKey> } | null = null;

function hmacKey(secret: string): Promise<CryptoKey> {
  // Importing the key costs more than the HMAC itself, so it is done once per isolate.
  if (cached?.secret !== secret) {
    cached = { secret, key: crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]) };
  }
  return cached.key;
}

export async function pseudonymize(userId: string, secret: string): Promise<string> {
  const signature = await crypto.subtle.sign("HMAC", await hmacKey(secret), new TextEncoder().encode(userId));
  return [...new Uint8Array(signature, 0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
