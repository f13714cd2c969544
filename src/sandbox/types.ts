/** Shared types of the emulator's test API. */

/** A rule the bot broke, recorded by the emulator (and usually answered as Discord would). */
export interface Finding {
  kind: string;
  /** route template such as `POST /channels/:channel_id/messages`, or `gateway` */
  route: string;
  detail: string;
  /** Date.now() when recorded */
  at: number;
}

export interface RecordedRequest {
  /** order of arrival, from 1 */
  seq: number;
  method: string;
  /** path below /api/v10, e.g. `/channels/1/messages` */
  path: string;
  /** route template, e.g. `/channels/:channel_id/messages`; null when unknown */
  route: string | null;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** parsed JSON body (payload_json for multipart), or undefined */
  body: unknown;
  status: number;
  response: unknown;
  /** performance.now() when the request arrived / was answered */
  receivedAt: number;
  answeredAt: number;
}

/** A way to see state changes: every mutation bumps and notifies. */
export type Waiter = () => void;
