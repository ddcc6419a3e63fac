// UUIDv7 (RFC 9562): the names Teleport gives new access requests (lib/auth/auth_with_roles.go
// CreateAccessRequestV2 sets the name from uuid.NewV7, replacing any the client chose). A 48-bit
// millisecond time first, so names sort by creation; the rest random.
import { randomBytes } from 'node:crypto';

export function uuidv7(nowMs: number = Date.now()): string {
  const bytes = randomBytes(16);
  let ms = Math.floor(nowMs);
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = 0x70 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
